"""Limits on what a structured file may hold, checked before it is built in memory.

A plan file is YAML or JSON written by people or exported by tools: tens of thousands of
values at most, a dozen levels deep. A hostile one can be small and still expand without
bound (a YAML "alias bomb": 1 KB that references itself into gigabytes) or nest deeper than
Python's recursion allows (a RecursionError, which is a crash, not an answer). Both are
refused here with a message, before anything is constructed: the YAML is first read as a
stream of events, which costs memory in proportion to the text, never to its expansion.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

# A 5,000-indicator plan is about 150,000 values once its aliases are expanded, and about
# eight levels deep: the bounds leave room for larger honest files and for tools that use
# anchors for repeated blocks.
MAX_NODES = 1_000_000
# libyaml's loader when PyYAML was built with it (the wheels are): the same safe constructor,
# 10 to 25 times faster on the demo plan (docs/dependencies.md), so reading twice costs less
# than the pure-Python reader once.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 40


DEPTH = f"più di {MAX_DEPTH} livelli annidati: il file è rifiutato"
NODES = f"più di {MAX_NODES:_} valori con gli alias YAML espansi: il file è rifiutato".replace("_", ".")


class TooComplex(ValueError):
    """The text goes beyond a limit: the message says which, in Italian."""


class _Expansion:
    """The size the document would have with every alias expanded, counted event by event: each
    anchor's expanded size is known when its node ends, and an alias adds it. Memory is in
    proportion to the nesting and the anchors, never to the expansion."""

    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}
        self.stack: list[tuple[str | None, int]] = [(None, 0)]  # (anchor of the open collection, nodes so far)

    def add(self, n: int) -> None:
        anchor, count = self.stack[-1]
        self.stack[-1] = (anchor, count + n)
        if count + n > MAX_NODES:
            raise TooComplex(
                f"più di {MAX_NODES:_} valori con gli alias YAML espansi: il file è rifiutato".replace("_", ".")
            )

    def event(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent):
            self.add(self.sizes.get(event.anchor or "", 1))
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                self.sizes[event.anchor] = 1
            self.add(1)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(self.stack) > MAX_DEPTH:
                raise TooComplex(DEPTH)
            self.stack.append((event.anchor, 1))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, count = self.stack.pop()
            if anchor:
                self.sizes[anchor] = count
            self.add(count)


def _check_yaml_events(text: str) -> None:
    counter = _Expansion()
    try:
        for event in yaml.parse(text, Loader=LOADER):
            counter.event(event)
    except yaml.YAMLError as exc:
        # libyaml stops at its own nesting bound (1000) while scanning ahead: the same refusal.
        if "nesting depth" in str(exc):
            raise TooComplex(DEPTH) from None
        raise


def _check_json_depth(text: str) -> None:
    # Brackets outside strings: the depth json.loads would recurse into, measured without recursing.
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise TooComplex(DEPTH)
        elif ch in "]}":
            depth -= 1


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` within the limits (TooComplex beyond them; yaml.YAMLError as usual)."""
    _check_yaml_events(text)
    return yaml.load(text, Loader=LOADER)  # noqa: S506  (a safe loader: SafeLoader or its C twin)


def load_json(text: str) -> Any:
    """``json.loads`` within the nesting limit (TooComplex beyond it)."""
    _check_json_depth(text)
    return json.loads(text)
