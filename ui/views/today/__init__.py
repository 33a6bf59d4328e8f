"""Cobrança de hoje: the morning's list of drafted messages (``view``), the selected row's
message with its result buttons (``draft_panel``) and the negativações to remove (``removals``)."""
