"""Pure business rules: no Qt, no database session, no clock calls (``today`` is passed in)."""
