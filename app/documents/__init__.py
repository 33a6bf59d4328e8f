"""ReportLab documents: one module per kind, shared layout in ``layout`` and ``common``."""
