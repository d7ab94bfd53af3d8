"""A long document drawn by Typst in parts, each compiled in its own short-lived process, and
joined into one tagged PDF (issue 16: the Relazione of 5,000 indicators within 400 MiB).

Why: Typst keeps what it lays out until its compilation ends (about 75 KB for each table row),
and a process keeps it after (typst-py cannot evict its caches); one compilation of 10,000 rows
took 1 GiB, and splitting the long table into many small tables in the same compilation saves
nothing (docs/documents.md). A process that ends returns its memory.

How the parts give the same pages as one compilation:

- The body is cut where a page starts anyway: before a chapter (a chapter starts a page) or
  inside a long table. A table cannot be cut at a page known beforehand, so the part is compiled
  up to a row, its last page (which the next rows would have filled) is dropped, and the next
  part starts with the rows of that page: on a new page, under the repeated header, as they
  were. Which rows were on it is read from the part's own tags.
- The parts print no page number. The footer "n / N" of every page is drawn by a last small
  compilation of N empty pages of the same sizes (the cover without one), and stamped onto the
  pages as an artifact: the same text at the same place.
- The cover and the Indice are compiled last, followed by a stub page for each heading of the
  Indice numbered as its page in the body: Typst's own outline prints the right numbers. The
  stubs are dropped and the Indice's links pointed at the headings' pages.
- The tags of the parts are joined under one Document element (the keys of the pages' content
  renumbered, the table cells' ids made unique) and the bookmarks rebuilt from the parts'.

The join is pikepdf's (qpdf): the parts hold some 65,000 objects (the tags of 10,000 rows),
which pypdf took 15 s and 400 MiB to copy; qpdf copies them in C++.
"""

from __future__ import annotations

import ctypes
import io
import pickle
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, String

from .blocks import Document, Heading, Table
from .pdf import _font_dir
from .typst_pdf import _body, _front, _preamble, _str

# A part ends inside a table only with at least this many of its rows (several pages' worth):
# the dropped last page must hold nothing but that table's rows.
_MIN_TABLE_ROWS = 150

_CHILD = """
import pickle, sys, typst
source, files, font_dir, tags = pickle.load(sys.stdin.buffer)
fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[font_dir])
compiler = typst.Compiler(font_paths=fonts, ignore_system_fonts=True)
sys.stdout.buffer.write(compiler.compile({"main.typ": source.encode(), **files}, format="pdf", pdf_tags=tags))
"""


def _compile(source: str, files: dict[str, bytes], tags: bool = True) -> bytes:
    """The PDF of ``source``, compiled in a process of its own that ends with it (its memory, and
    Typst's thread pool, never in this one)."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=pickle.dumps((source, files, str(_font_dir()), tags)),
        capture_output=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"Typst failed in its process: {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout


Position = tuple[int, int]  # (block, row of that block when it is a table)


def _plan_end(doc: Document, start: Position, budget: int) -> tuple[Position, bool]:
    """Where the part from ``start`` ends, and whether inside a table (True: its last page is
    to be dropped). About ``budget`` rows; a chapter that starts past half of them starts the next
    part instead."""
    rows, chapter = 0, None
    for k in range(start[0], len(doc.blocks)):
        b = doc.blocks[k]
        if isinstance(b, Heading) and b.level == 1 and k > start[0]:
            chapter = (k, 0), rows
        if not isinstance(b, Table):
            continue
        first = start[1] if k == start[0] else 0
        n = len(b.rows) - first
        if rows + n <= budget:
            rows += n
            continue
        if chapter and chapter[1] >= budget // 2:
            return chapter[0], False
        cut = first + max(budget - rows, _MIN_TABLE_ROWS)
        if cut < len(b.rows) - 1:
            return (k, cut), True
        rows += n
    return (len(doc.blocks), 0), False


_DICTIONARY, _ARRAY = pikepdf.ObjectType.dictionary, pikepdf.ObjectType.array


def _kids(element: Any) -> list[Any]:
    """The structure elements right under ``element`` (not its marked content). The type codes,
    not isinstance: pikepdf's Dictionary and Array check an instance in Python, and this runs
    for each of the 60,000 elements of a long document."""
    kids = element.get("/K")
    if kids is None or isinstance(kids, int):
        return []
    items = kids if kids._type_code == _ARRAY else [kids]
    return [k for k in items if not isinstance(k, int) and k._type_code == _DICTIONARY and "/S" in k]


def _set_kids(element: Any, kids: list) -> None:
    element.K = Array(kids)


def _elements(element: Any):
    """The structure elements under ``element``, depth first, in reading order."""
    stack = list(reversed(_kids(element)))
    while stack:
        e = stack.pop()
        yield e
        stack.extend(reversed(_kids(e)))


def _page_of(element: Any):
    """The page (its object number) that ``element``'s first content is on."""
    for e in [element, *_elements(element)]:
        if "/Pg" in e:
            return e.Pg.objgen
        k = e.get("/K")
        for item in k if isinstance(k, Array) else [k]:
            if isinstance(item, Dictionary) and "/Pg" in item:  # marked content on another page
                return item.Pg.objgen
    return None


def _document(pdf: Pdf) -> Any:
    k = pdf.Root.StructTreeRoot.K
    return k[0] if isinstance(k, Array) else k


def _drop_rows_on_last_page(pdf: Pdf) -> int:
    """Removes from the tags the rows of the part's last table that are on its last page (the
    next part draws them again), and says how many they were."""
    table = _document(pdf)
    while table.get("/S") != "/Table":  # the last element, and its last, down to the table
        table = _kids(table)[-1]
    body = next(k for k in _kids(table) if k.S == "/TBody")
    rows = _kids(body)
    last = pdf.pages[-1].obj.objgen
    first = len(rows)  # of the rows on the last page: from the end (a page holds a few dozen)
    while first > 0 and _page_of(rows[first - 1]) == last:
        first -= 1
    if first in (0, len(rows)):
        raise RuntimeError("the part's last page does not hold only the last rows of its table")
    _set_kids(body, rows[:first])
    return len(rows) - first


@dataclass
class _Part:
    """A part's PDF, kept as bytes: opened (parsed) only while it is read or copied."""

    data: bytes
    keep: int  # its first pages, which go into the document
    inside_table: bool  # the rows of its last page are drawn again by the next part

    def open(self) -> Pdf:
        pdf = Pdf.open(io.BytesIO(self.data))
        if self.inside_table:
            _drop_rows_on_last_page(pdf)
        return pdf


def _body_parts(doc: Document, budget: int) -> list[_Part]:
    parts: list[_Part] = []
    start: Position = (0, 0)
    preamble = _preamble(doc) + "\n#set page(footer: none)\n"
    while start[0] < len(doc.blocks):
        end, inside_table = _plan_end(doc, start, budget)
        files: dict[str, bytes] = {}
        data = _compile(preamble + "\n".join(_body(doc, files, start, end)) + "\n", files)
        with Pdf.open(io.BytesIO(data)) as pdf:
            keep = len(pdf.pages)
            if inside_table:
                start = (end[0], end[1] - _drop_rows_on_last_page(pdf))
                keep -= 1
            else:
                start = end
        parts.append(_Part(data, keep, inside_table))
    return parts


@dataclass
class _Mark:
    """Where a heading is in the joined body: its page (from 0, body pages only) and place."""

    page: int
    left: float
    top: float
    closed: bool


def _marks(parts: list[_Part]) -> list[_Mark]:
    """The headings' places, from each part's bookmarks (one for each heading, in order)."""
    marks: list[_Mark] = []
    offset = 0
    for part in parts:
        pdf = Pdf.open(io.BytesIO(part.data))
        index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        with pdf, pdf.open_outline() as outline:
            stack = list(reversed(outline.root))
            while stack:
                item = stack.pop()
                dest: Any = item.destination
                marks.append(_Mark(offset + index[dest[0].objgen], float(dest[2]), float(dest[3]), item.is_closed))
                stack.extend(reversed(item.children))
        offset += part.keep
    return marks


def _front_part(doc: Document, headings: list[Heading], marks: list[_Mark]) -> tuple[_Part, list[int]]:
    """The cover and the Indice, then the headings of the Indice on stub pages numbered as in the
    document, so that Typst's outline prints their pages. The stubs are not kept."""
    listed = [i for i, h in enumerate(headings) if h.level <= 2]  # the outline's depth
    front_pages = 2
    for _ in range(3):
        stubs = "\n#pagebreak()\n".join(
            f"#counter(page).update({front_pages + marks[i].page + 1})\n"
            f"#heading(level: {headings[i].level}, {_str(' '.join(headings[i].text.split()))})"
            for i in listed
        )
        data = _compile(_preamble(doc) + "\n#set page(footer: none)\n" + "\n".join(_front(doc)) + "\n" + stubs, {})
        with Pdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages) - len(listed)
        if pages == front_pages:
            return _Part(data, pages, False), listed
        front_pages = pages  # the Indice took more pages than supposed: number them again
    raise RuntimeError("the Indice's length does not settle")


def _footers(doc: Document, sizes: list[tuple[float, float]]) -> Pdf:
    """N empty pages of the document's sizes with its footer "n / N" (the cover without one)."""
    pages = ["#page(footer: none)[]"] + ["#landscape[]" if w > h else "#page[]" for w, h in sizes[1:]]
    data = _compile(_preamble(doc) + "\n#set page(header: none)\n" + "\n".join(pages) + "\n", {}, tags=False)
    return Pdf.open(io.BytesIO(data))


def _sizes(part: _Part) -> list[tuple[float, float]]:
    with Pdf.open(io.BytesIO(part.data)) as pdf:
        boxes = [[float(x) for x in p.mediabox] for p in pdf.pages[: part.keep]]
    return [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]


def render_in_parts(doc: Document, budget: int) -> bytes:
    headings = [b for b in doc.blocks if isinstance(b, Heading)]
    parts = _body_parts(doc, budget)
    marks = _marks(parts)
    if len(marks) != len(headings):
        raise RuntimeError(f"{len(marks)} bookmarks for {len(headings)} headings")
    front, listed = _front_part(doc, headings, marks)
    sizes = [size for part in [front, *parts] for size in _sizes(part)]
    with _footers(doc, sizes) as footers:
        pdf = _Joiner(front, parts, headings, marks, listed).write(footers)
    _give_back_memory()
    return pdf


def _give_back_memory() -> None:
    """The join's objects are freed, but glibc's allocator keeps their pages (some 170 MiB for
    5,000 indicators) for the process's next use; the document worker lives long and builds
    small documents more often: they are given back to the system."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its allocator does as it does
        pass


class _Joiner:
    """The parts' kept pages, tags, bookmarks and links in one PDF, with the footers stamped."""

    def __init__(self, front: _Part, parts: list[_Part], headings, marks, listed):
        self.front, self.parts, self.headings, self.marks, self.listed = front, parts, headings, marks, listed
        self.out = Pdf.new()
        self.nums: list = []  # the parent tree: key, value, ...
        self.ids: dict[str, Any] = {}

    def write(self, footers: Pdf) -> bytes:
        out = self.out
        front = self.front.open()  # small, and open until the end: its streams are copied when saved
        out.Root.MarkInfo = Dictionary(Marked=True)
        for key in ("/Lang", "/ViewerPreferences", "/Metadata"):
            if key in front.Root:
                out.Root[key] = _copy(out, front.Root[key])
        out.docinfo = _copy(out, front.docinfo)
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
        tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
        document.P = tree
        self._drop_stubs(front)
        links = self._unlink_indice(front)
        kids = self._add(0, front, self.front.keep, document)
        for j, part in enumerate(self.parts, start=1):
            # One part parsed at a time: its objects (the tags of up to 2,500 rows) are copied,
            # its streams' data too, and the part is closed, its memory returned.
            with part.open() as pdf:
                kids += self._add(j, pdf, part.keep, document)
                for page in out.pages[-part.keep :]:
                    _own_streams(page.obj)
        document.K = Array(kids)
        tree.ParentTree = out.make_indirect(Dictionary(Nums=Array(self.nums)))
        tree.ParentTreeNextKey = len(self.nums) // 2
        tree.IDTree = Dictionary(Names=Array([x for k in sorted(self.ids) for x in (String(k), self.ids[k])]))
        if "/RoleMap" in front.Root.StructTreeRoot:
            tree.RoleMap = _copy(out, front.Root.StructTreeRoot.RoleMap)
        out.Root.StructTreeRoot = tree
        for n, a, heading in links:
            out.pages[n].obj.Annots[a].Dest = self._dest(heading)
        self._bookmarks()
        self._stamp(footers)
        buffer = io.BytesIO()
        # Object streams: the tags are tens of thousands of small objects.
        out.save(buffer, min_version=front.pdf_version, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        front.close()
        return buffer.getvalue()

    def _drop_stubs(self, front: Pdf) -> None:
        stubs = {p.obj.objgen for p in front.pages[self.front.keep :]}
        document = _document(front)
        _set_kids(document, [k for k in _kids(document) if _page_of(k) not in stubs])

    def _unlink_indice(self, front: Pdf) -> list[tuple[int, int, int]]:
        """The Indice's links as (page, link, heading), the heading found by its stub page; their
        destinations are taken off before the pages are copied (they are the stubs)."""
        stub = {p.obj.objgen: i for i, p in enumerate(front.pages[self.front.keep :])}
        links = []
        for n, page in enumerate(front.pages[: self.front.keep]):
            for a, annot in enumerate(page.obj.get("/Annots", Array())):
                dest = annot.get("/Dest")
                if isinstance(dest, Array) and dest[0].objgen in stub:
                    links.append((n, a, self.listed[stub[dest[0].objgen]]))
                    annot.Dest = Array([])
        return links

    def _add(self, j: int, pdf: Pdf, keep: int, document: Any) -> list:
        """Copies the part's first ``keep`` pages and its tags; the tags' top elements, to go
        under ``document``."""
        out = self.out
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parent_of = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        top = _kids(_document(pdf))
        for e in top:  # not copied: it leads up to the part's whole tree
            del e["/P"]
        named = _unique_ids(j, top)
        for page in pdf.pages[:keep]:
            out.pages.append(page)
            new = out.pages[-1].obj
            if "/StructParents" in new:
                new.StructParents = self._key(parent_of[int(page.obj.StructParents)])
            for annot in new.get("/Annots", Array()):
                if "/StructParent" in annot:
                    annot.StructParent = self._key(parent_of[int(annot.StructParent)])
        copied = [out.copy_foreign(e) for e in top]
        # The elements were named in the part: the names go to their copies (qpdf copies an
        # object once, and gives that copy again).
        self.ids.update((name, out.copy_foreign(e)) for name, e in named)
        for e in copied:
            e.P = document
        return copied

    def _key(self, value) -> int:
        """A new key of the parent tree for ``value`` (a page's elements, or an annotation's)."""
        key = len(self.nums) // 2
        self.nums += [key, _copy(self.out, value)]
        return key

    def _dest(self, heading: int) -> Array:
        m = self.marks[heading]
        return Array([self.out.pages[self.front.keep + m.page].obj, Name.XYZ, m.left, m.top, 0])

    def _bookmarks(self) -> None:
        with self.out.open_outline() as outline:
            stack: list[tuple[int, OutlineItem]] = []
            for h, m in zip(self.headings, self.marks, strict=True):
                while stack and stack[-1][0] >= h.level:
                    stack.pop()
                item = OutlineItem(" ".join(h.text.split()), self.front.keep + m.page, "XYZ", left=m.left, top=m.top)
                item.is_closed = m.closed
                (stack[-1][1].children if stack else outline.root).append(item)
                stack.append((h.level, item))

    def _stamp(self, footers: Pdf) -> None:
        """Each page's footer, drawn on an empty page of its size, as a form on the page."""
        out = self.out
        before = out.make_stream(b"q\n")
        after = out.make_stream(
            b"Q\n/Artifact <</Attached [/Bottom] /Subtype /Footer /Type /Pagination>> BDC q /CruscottoFooter Do Q EMC\n"
        )
        for page, footer in zip(out.pages[1:], footers.pages[1:], strict=True):
            form = out.copy_foreign(footer.as_form_xobject())
            resources = Dictionary({k: v for k, v in page.obj.Resources.items()})
            forms = Dictionary({k: v for k, v in resources.get("/XObject", Dictionary()).items()})
            forms.CruscottoFooter = form
            resources.XObject = forms
            page.obj.Resources = resources
            page.contents_add(before, prepend=True)
            page.contents_add(after)
        _own_streams(out.Root)  # the footers' PDF is closed before this one is saved


def _cells_first(top: list[Any]):
    """The elements under ``top``, a table's cells without walking into them (the 50,000 cells of
    a long document are leaves but for a bold run: no table inside, no id)."""
    for t in top:
        if t.get("/S") != "/Table":
            yield t
            yield from _elements(t)
            continue
        yield t
        for section in _kids(t):
            yield section
            for row in _kids(section):
                yield row
                yield from _kids(row)


def _unique_ids(j: int, top: list[Any]) -> list[tuple[str, Any]]:
    """Each part numbers its table cells' ids from 1: prefixed with the part, unique. The
    elements named."""
    named = []
    for e in _cells_first(top):
        if "/ID" in e:
            e.ID = String(f"p{j}{e.ID}")
            named.append((str(e.ID), e))
        attrs = e.get("/A")
        if attrs is None:
            continue
        for attr in attrs if attrs._type_code == _ARRAY else [attrs]:
            if attr._type_code == _DICTIONARY and "/Headers" in attr:
                attr.Headers = Array([String(f"p{j}{h}") for h in attr.Headers])
    return named


def _own_streams(root: Any) -> None:
    """Gives the copied streams under ``root`` their data: qpdf reads a copied stream's data from
    its PDF only when saving, and the parts are closed before."""
    seen: set = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Stream):
            data: Any = obj
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            data.write(data.read_raw_bytes(), filter=data.get("/Filter"), decode_parms=data.get("/DecodeParms"))
            stack.extend(v for k, v in obj.stream_dict.items() if k not in ("/Parent", "/P"))
        elif isinstance(obj, Dictionary | Array):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            items = obj.items() if isinstance(obj, Dictionary) else enumerate(obj)
            stack.extend(v for k, v in items if k not in ("/Parent", "/P", "/Pg", "/StructTreeRoot", "/Dest"))


def _copy(out: Pdf, obj):
    """``obj`` of another PDF, for ``out``: qpdf copies indirect objects, not direct ones."""
    if isinstance(obj, Dictionary | Array) and not obj.is_indirect:
        if isinstance(obj, Array):
            return Array([_copy(out, v) for v in obj])
        return Dictionary({k: _copy(out, v) for k, v in obj.items()})
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    return obj
