"""Database access: engine, typed models, repositories, unit of work and migrations."""
