"""EmDia's window (PySide6). Talks to ``app`` through services only; never runs SQL."""
