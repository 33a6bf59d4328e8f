"""EmDia UI: widgets."""
