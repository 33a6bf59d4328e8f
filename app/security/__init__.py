"""Protecting the clinic's data: password hashing, database keys, the OS keyring."""
