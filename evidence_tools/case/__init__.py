"""The case folder: its layout, case.toml (model, loader, template), intake and manifest."""
