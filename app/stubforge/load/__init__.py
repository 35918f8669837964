"""Reading stub files: YAML with positions, validation, error reports, hot reload."""
