"""Read models: queries shaped for a screen rather than for changing one aggregate, tuned for
size (plain Core columns, ids as IN lists in chunks on SQLite and one array on PostgreSQL,
covering indexes) and timed by ``bench/``.

- ``receivables``  open installments, settlements and the patient facts the worklist ("Cobrança
  de hoje", Inadimplentes) and the dashboard read (``uow.receivables``)
- ``changes``      which patients' money changed since a mark (so those figures are recomputed
  only for them, and a change made on another PC is seen)
- ``reconciliation``  the payers, open debts and unlinked desk payments a bank statement's
  credits are matched against (``uow.reconciliation``)

Like the repositories, they run inside the unit of work's session and return the domain's frozen
dataclasses; services see them through ``app.services.ports.ReceivablesPort``.
"""
