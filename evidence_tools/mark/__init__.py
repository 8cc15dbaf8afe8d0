"""``evidence mark``: a local page to mark the case by pointing, saved into case.toml."""
