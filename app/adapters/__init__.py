"""The well-kept libraries the domain must not import, each behind the domain's own words.

``app.domain`` imports only the standard library, ``app.errors`` and itself (the layering test
holds it to that), so the facts the country publishes and the formats other programs read come
from here:

- ``business_days``: national and state holidays and bank-closed days (``holidays``), as the
  domain's ``BusinessCalendar``;
- ``identity_checks``: CPF/CNPJ check digits (``validate-docbr``), Brazilian phone numbers
  (``phonenumbers``) and e-mail syntax (``email-validator``), as the domain's
  ``IdentityChecks``;
- ``words``: an amount in words for receipts and contracts (``num2words``);
- ``qr``: the QR code of a PIX BR Code (``qrcode``, ``Pillow``);
- ``ofx``: the bank statement file (OFX) as the domain's ``Statement`` (``ofxparse``), mended
  first where Brazilian banks' exports break the library.
- ``signatures``: the electronic signatures of a PDF and the certificate files a clinic trusts
  (``pyHanko``, ``asn1crypto``), read offline.

Every library is imported on first use, inside the function that needs it: together they cost
a few hundred milliseconds, which the window's start-up does not pay.
"""
