"""Narrative sections (Markdown) -> document blocks, with markdown-it-py.

Supported: headings, paragraphs with **bold**, bullet and numbered lists,
tables. Headings inside a section are shifted under the section's own heading.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from .blocks import Bullets, Cell, Heading, Paragraph, Table

_md = MarkdownIt("commonmark").enable("table")


def _inline_text(token) -> str:
    """Plain text of an inline token, keeping **bold** markers."""
    out = []
    for child in token.children or []:
        if child.type == "text" or child.type == "code_inline":
            out.append(child.content)
        elif child.type == "strong_open" or child.type == "strong_close":
            out.append("**")
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out).strip()


def markdown_blocks(text: str, base_level: int = 2) -> list:
    tokens = _md.parse(text or "")
    blocks: list = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            level = min(3, base_level + int(t.tag[1]) - 1)
            blocks.append(Heading(_inline_text(tokens[i + 1]), level))
            i += 3
            continue
        if t.type == "paragraph_open" and t.level == 0:
            blocks.append(Paragraph(_inline_text(tokens[i + 1])))
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            items, depth = [], 0
            j = i
            while j < len(tokens):
                tj = tokens[j]
                if tj.type in ("bullet_list_open", "ordered_list_open"):
                    depth += 1
                elif tj.type in ("bullet_list_close", "ordered_list_close"):
                    depth -= 1
                    if depth == 0:
                        break
                elif tj.type == "inline":
                    items.append(_inline_text(tj))
                j += 1
            blocks.append(Bullets(tuple(items)))
            i = j + 1
            continue
        if t.type == "table_open":
            header: list[str] = []
            rows: list[tuple[Cell, ...]] = []
            row: list[str] = []
            in_head = False
            j = i
            while tokens[j].type != "table_close":
                tj = tokens[j]
                if tj.type == "thead_open":
                    in_head = True
                elif tj.type == "thead_close":
                    in_head = False
                elif tj.type == "tr_open":
                    row = []
                elif tj.type == "inline":
                    row.append(_inline_text(tj))
                elif tj.type == "tr_close":
                    if in_head:
                        header = [c.replace("**", "") for c in row]
                    else:
                        rows.append(tuple(_cell(c) for c in row))
                j += 1
            blocks.append(Table(tuple(header), tuple(rows)))
            i = j + 1
            continue
        i += 1
    return blocks


def _cell(text: str) -> Cell:
    """A table cell: **bold** around the whole cell makes it bold; bold inside a cell is dropped."""
    bold = text.startswith("**") and text.endswith("**") and len(text) > 4
    plain = text.replace("**", "")
    return Cell(plain, "right" if _numeric(plain) else "left", bold=bold)


def _numeric(text: str) -> bool:
    s = text.replace(".", "").replace(",", "").replace("%", "").replace("€", "").replace("-", "").strip()
    return bool(s) and s.isdigit()
