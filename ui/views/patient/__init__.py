"""A patient's page (``page``), built from panels: who they are and where their debt stands
(``header``), their contracts and installments (``contracts_panel``), payments and reversals
(``payments_panel``), and the documents printed and archived (``documents_panel``)."""
