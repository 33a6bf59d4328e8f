"""Use cases. The UI and the CLI call these; they own transactions and return domain values."""
