"""Repositories: the only code that builds queries for the use cases, one module per aggregate.

Each repository gets the unit of work's session (``app.persistence.uow``) and hands services ORM
rows (``app.persistence.models``) to read and change, or the domain's frozen dataclasses (mapped
by ``app.persistence.records``), so nothing outside ``app`` ever holds a live ORM object. Services
see them through the ports of ``app.services.ports``.

- ``clinic``        the clinic's own row (identification, charge policy)
- ``patients``      patients and responsáveis: search-as-you-type, CPF look-ups, export
- ``contracts``     contracts, installments, charge terms, ledgers, the Contratos list
- ``payments``      payments, estornos and their allocations
- ``agreements``    acordos (renegotiations) and consultas de crédito
- ``negativacao``   negativações and what their checklist reads
- ``documents``     the archive of generated PDFs
- ``collection``    the régua's steps, contact log and promises
- ``users``         the people who log in
- ``audit``         the append-only audit log
- ``indexes``       correction index tables (IPCA) and charge policies built from them
- ``bank``          the clinic's bank accounts and the credits of imported statements
- ``personal_data`` everything about one person, for the LGPD (copy, anonymisation)
- ``_sql``          SQL pieces shared by the modules above and the read models (private)

Read models that answer a screen rather than change an aggregate (the worklist, the dashboard)
live in ``app.persistence.queries``.
"""
