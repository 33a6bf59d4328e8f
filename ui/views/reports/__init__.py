"""Relatórios: the section, its cash-drawer count and the batch of extratos."""
