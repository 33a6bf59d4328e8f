"""Collection by the régua: its settings (``regua_settings``), the messages due today
(``drafts``, Cobrança de hoje and ``emdia messages``) and the log of every contact made
(``contact_log``, ``emdia contact``)."""
