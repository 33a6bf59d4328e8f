"""Pure rules of the business: no Qt, no database session, no clock calls (``today`` is passed in)."""
