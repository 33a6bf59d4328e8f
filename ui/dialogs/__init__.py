"""EmDia UI: dialogs."""
