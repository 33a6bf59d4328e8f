"""Printed documents (Documentos, the patient page, ``emdia documents``): one document at a time
(``single``), notifications in batch (``batch``), and the archive of every PDF produced
(``archive``). What a document prints is gathered in one place (``gathering``) and every PDF is
filed the same way (``filing``): a new file under the documents folder, never overwritten,
recorded with its SHA-256 — so the patient page re-opens the exact file that was sent.
"""
