"""EmDia UI: views."""
