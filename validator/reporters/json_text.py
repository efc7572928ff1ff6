"""JSON text exactly as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, but fast and in pieces.

orjson's OPT_INDENT_2 gives the same bytes for what reports hold (strings, ints, None, booleans,
lists, tuples and dicts with string keys; every character, escapes included, was compared) and is many
times faster than the standard library, which with `indent` falls back to its pure-Python encoder.
What orjson refuses (a lone surrogate from a hostile input, an integer past 64 bits) goes to the
standard library. `write` assembles a document whose long lists are given as Items: a JsonSpool
written item by item while the run went on, or LazyItems made at the end from a spool of objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import orjson

from ..spool import TextSpool


def dumps(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, indent=2)


class JsonSpool(TextSpool):
    """The items of a JSON list, serialized one by one as they come."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def add(self, value: Any) -> None:
        self.write((",\n" if self.count else "") + dumps(value))
        self.count += 1

    def write_items(self, out: TextIO, indent: str) -> None:
        self.copy_to(out, indent)


class LazyItems:
    """The items of a JSON list, made only when written."""

    def __init__(self, count: int, make: Callable[[], Iterable[Any]]) -> None:
        self.count, self.make = count, make

    def write_items(self, out: TextIO, indent: str) -> None:
        for number, value in enumerate(self.make()):
            out.write((",\n" + indent if number else "") + dumps(value).replace("\n", "\n" + indent))


Items = JsonSpool | LazyItems


def write(out: TextIO, value: Any, level: int = 0) -> None:
    """`value` as `dumps` writes it at nesting `level`, where each Items stands for a list of its items."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, Items):
        if not value.count:
            out.write("[]")
            return
        out.write("[\n" + inner)
        value.write_items(out, inner)
        out.write("\n" + pad + "]")
    elif isinstance(value, (dict, list)) and value and _holds_items(value):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        out.write("{\n" if isinstance(value, dict) else "[\n")
        for number, (key, item) in enumerate(items):
            out.write((",\n" if number else "") + inner + (dumps(key) + ": " if isinstance(value, dict) else ""))
            write(out, item, level + 1)
        out.write("\n" + pad + ("}" if isinstance(value, dict) else "]"))
    else:
        out.write(dumps(value).replace("\n", "\n" + pad))


def _holds_items(value: Any) -> bool:
    if isinstance(value, Items):
        return True
    if isinstance(value, dict):
        return any(_holds_items(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_items(v) for v in value)
    return False
