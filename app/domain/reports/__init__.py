"""Relatórios: the owner's and the desk's numbers over a period — pure computations.

Each report is a module: ``cash`` (fechamento de caixa), ``receipts`` (recebimentos),
``default_history`` (inadimplência ao longo do tempo, as of each month's end), ``effectiveness``
(efetividade da cobrança), ``portfolio`` (carteira) and ``forecast`` (previsão × realizado).
``period`` validates what the user asks for; ``view`` is what every report looks like on screen,
on paper and in a spreadsheet — one table layout for the three, so they cannot disagree.

The services read the facts (``app/persistence/queries/reports.py``) and hand them over as
frozen values; nothing here reads a clock or a database.
"""
