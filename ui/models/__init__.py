"""EmDia UI: models."""
