"""YAML read once into both its data and its node tree (the nodes carry the line of every value)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available; always the safe loader


def load_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, root node); raises yaml.YAMLError with a problem_mark on a syntax error."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node
