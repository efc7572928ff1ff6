"""Check kinds: one module per kind (its pydantic schema and its evaluation), `registry` to find
them by name, `common` for what every evaluation shares (findings, judging, the outcome tally)."""
