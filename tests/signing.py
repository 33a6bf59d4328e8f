"""A throw-away certificate authority for the tests of electronically signed documents.

``Authority`` is a root (and, for the gov.br shape, an intermediate "AC Final"); ``person``
issues a certificate the way the real ones name their holder:

- ``govbr``: only the name in the subject, the CPF in the subjectAltName otherName
  ``2.16.76.1.3.1`` (an OCTET STRING: birth date, CPF, NIS, RG);
- ``icp``: the ICP-Brasil e-CPF — ``NOME:CPF`` in the common name, ``O=ICP-Brasil``, and the
  same otherName (as a PrintableString, as some authorities write it).

``sign`` adds a signature to a PDF the way gov.br does: an incremental update after the
original bytes, ``adbe.pkcs7.detached``, SHA-256, with the signing time as a signed attribute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

SIGNED_AT = datetime(2026, 3, 16, 15, 30, tzinfo=UTC)  # the tests' TODAY, after 10:00 (generated)
NOT_BEFORE = datetime(2020, 1, 1)
NOT_AFTER = datetime(2040, 1, 1)
PERSON_OID = x509.ObjectIdentifier("2.16.76.1.3.1")


def _key() -> rsa.RSAPrivateKey:
    # 2048 bits: pyHanko's algorithm policy refuses weaker keys as untrustworthy.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _signer_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _ca(name: x509.Name, issuer: Issued | None, serial: int) -> Issued:
    key = _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.cert.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_usage(), critical=True)
    )
    return Issued(builder.sign(issuer.key if issuer else key, hashes.SHA256()), key)


class Authority:
    """A root ("Raiz") and the authority that issues people's certificates under it."""

    def __init__(self, root_name: str = "Raiz de Teste do EmDia", organization: str = "Gov-Br"):
        self.organization = organization
        self.root = _ca(_name(root_name, organization), None, 1)
        self.issuer = _ca(_name(f"AC Final de {root_name}", organization), self.root, 2)
        self._serial = 100

    def person(self, name: str, cpf: str | None, *, style: str = "govbr") -> Issued:
        """A signer's certificate (``style`` ``govbr`` or ``icp``; ``cpf=None``: none in it)."""
        self._serial += 1
        key = _key()
        if style == "icp":
            subject = x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ICP-Brasil"),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{name}:{cpf}" if cpf else name),
                ]
            )
        else:
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.issuer.cert.subject)
            .public_key(key.public_key())
            .serial_number(self._serial)
            .not_valid_before(NOT_BEFORE)
            .not_valid_after(NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_signer_usage(), critical=True)
        )
        if cpf:
            data = "01011980" + cpf + "0" * 11 + "0" * 15
            value = (
                core.PrintableString(data).dump()
                if style == "icp"
                else core.OctetString(data.encode("ascii")).dump()
            )
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.OtherName(PERSON_OID, value)]), critical=False
            )
        return Issued(builder.sign(self.issuer.key, hashes.SHA256()), key)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign(
    pdf: bytes,
    signer: Issued,
    authority: Authority,
    field: str = "Assinatura1",
    *,
    also_draw: str = "",
    at: datetime = SIGNED_AT,
) -> bytes:
    """``pdf`` with one more signature by ``signer`` (the chain's intermediate embedded, as
    gov.br does), appended as an incremental update. ``also_draw``: the same update also draws
    this text over the first page (content changed in the very update that signs)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pdf_signer = signers.SimpleSigner(
        signing_cert=_asn1(signer.cert),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1(authority.issuer.cert)]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    if also_draw:
        _draw(writer, also_draw)
    with _signing_clock(at):
        return signers.sign_pdf(writer, meta, signer=pdf_signer).getvalue()


@contextmanager
def _signing_clock(at: datetime) -> Iterator[None]:
    """pyHanko writes the signing time from its own clock: pin it, so a test knows the date
    the report shows."""
    from pyhanko.sign.signers import pdf_signer

    class Pinned(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Pinned:  # type: ignore[override]
            return cls.fromtimestamp(at.timestamp(), tz=tz)  # type: ignore[arg-type]

    real = pdf_signer.datetime
    pdf_signer.datetime = Pinned  # type: ignore[misc]
    try:
        yield
    finally:
        pdf_signer.datetime = real  # type: ignore[misc]


def _draw(writer: object, text: str) -> None:
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=f"BT /F1 24 Tf 100 100 Td ({text}) Tj ET".encode())
    writer.add_stream_to_page(0, writer.add_object(stream))  # type: ignore[attr-defined]


def append_update(pdf: bytes, text: str = "R$ 1,00") -> bytes:
    """``pdf`` with an incremental update that draws ``text`` over its first page (a change
    after signing)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _draw(writer, text)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
