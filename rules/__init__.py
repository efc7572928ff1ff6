"""Package for the built-in rule packs (YAML); see the top-level rules/ folder."""
