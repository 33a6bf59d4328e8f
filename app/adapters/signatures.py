"""Reading the electronic signatures of a PDF (``pyHanko``) and the certificate files a clinic
trusts (``asn1crypto``), offline, as the domain's ``SignedPdfReading`` and
``CertificateFile``.

For each signature pyHanko checks the digest of the signed bytes (*intact*), the signature value
against the certificate's key (*valid*), the chain up to the roots given (*trusted* — never the
operating system's list, never a download: revocation is not consulted) and what the updates
after it changed (only other signatures and their fields are allowed).

Before the first signature, the file is the document EmDia generated: every state it had
before that signature is hashed, so the service can find which archived document it is. The
update that added the first signature may add the signature field, its widget on the page and
the form that holds it — nothing else of the document may change; pyHanko's own difference
analysis starts only after a signature, so that check is here.

Everything is imported on first use: pyHanko costs about a second to load.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from app.domain.signatures import (
    ICP_BRASIL_PERSON_OID,
    NO_ROOTS,
    RevisionBefore,
    SignatureReading,
    SignedPdfReading,
)
from app.errors import ValidationError

if TYPE_CHECKING:
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

# The catalog may gain the form that holds the signature fields and the signatures' own records;
# a page may gain the signature's widget. Nothing else of the document the debtor read.
_CATALOG_KEYS = frozenset({"/AcroForm", "/Perms", "/DSS", "/Metadata", "/Extensions", "/Version"})
_PAGE_KEYS = frozenset({"/Annots"})
_EOL = (b"\r\n", b"\n", b"\r", b"")


@dataclass(frozen=True)
class CertificateFile:
    """One certificate of a file the gestor added (``.pem``/``.cer``/``.crt``/``.p7b``)."""

    subject: str
    issuer: str
    sha256: str  # of the DER encoding: the certificate's fingerprint
    pem: str
    self_signed: bool  # a root: a trust anchor; otherwise an intermediate link of a chain
    not_before: datetime
    not_after: datetime


def _unreadable(message: str) -> ValidationError:
    """The file the user chose cannot be read as what it should be."""
    return ValidationError.single("file", message)


# --- certificate files -----------------------------------------------------------------------


def read_certificates(data: bytes) -> list[CertificateFile]:
    """Every certificate in a PEM file (one or many), a DER ``.cer``/``.crt`` or a PKCS#7
    bundle (``.p7b``, as the ITI publishes the gov.br chain); a ``ValidationError`` otherwise."""
    from asn1crypto import pem

    ders: list[bytes] = []
    try:
        if pem.detect(data):
            for kind, _headers, der in pem.unarmor(data, multiple=True):
                if kind == "CERTIFICATE":
                    ders.append(der)
                elif kind in ("PKCS7", "CMS"):
                    ders += _pkcs7_certificates(der)
        else:
            ders = _der_certificates(data)
    except (ValueError, TypeError) as exc:
        raise _unreadable(_NOT_A_CERTIFICATE) from exc
    if not ders:
        raise _unreadable(_NOT_A_CERTIFICATE)
    return [_certificate_file(der) for der in ders]


_NOT_A_CERTIFICATE = (
    "Arquivo: não é um certificado (use o .crt, .cer, .pem ou .p7b publicado pela autoridade "
    "certificadora — por exemplo, a cadeia do gov.br ou a AC Raiz da ICP-Brasil)."
)


def _der_certificates(data: bytes) -> list[bytes]:
    from asn1crypto import cms, x509

    try:
        cert = x509.Certificate.load(data, strict=True)
        cert.native  # noqa: B018 - parses every field now, so a bad file fails here
        return [data]
    except ValueError:
        info = cms.ContentInfo.load(data, strict=True)
        return _pkcs7_certificates(info.dump())


def _pkcs7_certificates(der: bytes) -> list[bytes]:
    from asn1crypto import cms

    info = cms.ContentInfo.load(der)
    if info["content_type"].native != "signed_data":
        raise ValueError("not a certificate bundle")
    return [c.chosen.dump() for c in info["content"]["certificates"] if c.name == "certificate"]


def _certificate_file(der: bytes) -> CertificateFile:
    from asn1crypto import pem, x509

    cert = x509.Certificate.load(der)
    validity = cert["tbs_certificate"]["validity"]
    return CertificateFile(
        subject=distinguished_name(cert.subject),
        issuer=distinguished_name(cert.issuer),
        sha256=hashlib.sha256(der).hexdigest(),
        pem=pem.armor("CERTIFICATE", der).decode("ascii"),
        self_signed=cert.self_signed != "no",
        not_before=_naive_utc(validity["not_before"].native),
        not_after=_naive_utc(validity["not_after"].native),
    )


# The attribute names of a distinguished name as certificates are written everywhere (RFC 4514,
# the way Windows and the ITI show them), rather than asn1crypto's English labels.
_NAME_LABELS = {
    "common_name": "CN",
    "organizational_unit_name": "OU",
    "organization_name": "O",
    "locality_name": "L",
    "state_or_province_name": "ST",
    "country_name": "C",
    "email_address": "E",
    "serial_number": "serialNumber",
}


def distinguished_name(name: x509.Name) -> str:
    """``CN=AC Raiz, OU=..., O=ICP-Brasil, C=BR``: the most specific part first."""
    parts: list[str] = []
    for rdn in reversed(list(name.chosen)):
        for attr in rdn:
            label = _NAME_LABELS.get(attr["type"].native, attr["type"].dotted)
            parts.append(f"{label}={_text(attr['value'].native)}")
    return ", ".join(parts)


def _naive_utc(moment: datetime) -> datetime:
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None)


def _load_pem(text: str) -> x509.Certificate:
    from asn1crypto import pem, x509

    _kind, _headers, der = pem.unarmor(text.encode("ascii"))
    return x509.Certificate.load(der)


# --- signed PDFs -----------------------------------------------------------------------------


def read_signed_pdf(data: bytes, trusted_pems: Sequence[str], moment: datetime) -> SignedPdfReading:
    """The signatures of ``data`` checked against the certificates the clinic trusts (roots
    are anchors; the others only links of a chain), at ``moment`` (local time)."""
    reader = _reader(data)
    from pyhanko_certvalidator import ValidationContext

    certificates = [_load_pem(p) for p in trusted_pems]
    roots = [c for c in certificates if c.self_signed != "no"]
    links = [c for c in certificates if c.self_signed == "no"]
    readings = []
    for embedded in reader.embedded_regular_signatures:
        context = ValidationContext(
            trust_roots=roots,
            other_certs=links,
            moment=moment.astimezone(),
            allow_fetching=False,  # offline: no certificate, CRL or OCSP is ever downloaded
            revocation_mode="soft-fail",
        )
        readings.append(_reading(embedded, context, bool(roots)))
    first = reader.embedded_regular_signatures[0] if readings else None
    revisions = _revisions_before(reader, data, first.signed_revision) if first else ()
    return SignedPdfReading(
        sha256=hashlib.sha256(data).hexdigest(),
        signatures=tuple(readings),
        revisions=revisions,
    )


def _reader(data: bytes) -> PdfFileReader:
    if not data.lstrip()[:5] == b"%PDF-":
        raise _unreadable("Arquivo: não é um PDF. Escolha o PDF assinado que o paciente enviou.")
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    _quiet_library_logs()
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        reader.embedded_regular_signatures  # noqa: B018 - reads the signature fields now
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise _unreadable(
            "Arquivo: o PDF está danificado e não pôde ser lido. Peça ao paciente que envie de "
            "novo o arquivo que o assinador devolveu."
        ) from exc
    return reader


def _quiet_library_logs() -> None:
    """pyHanko logs a traceback when a chain cannot be built: for EmDia that is an answer
    ("cadeia não verificada"), which the report states, not an error for the log file."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _reading(embedded: EmbeddedPdfSignature, context: Any, has_roots: bool) -> SignatureReading:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    cert = embedded.signer_cert
    subject, person, issuer = _holder(cert)
    # ICP-Brasil and gov.br certificates carry non-repudiation, some only digital signature.
    usage = KeyUsageConstraints(
        key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
    )
    try:
        status = validate_pdf_signature(embedded, context, key_usage_settings=usage)
    except (PdfError, ValueError, KeyError) as exc:  # a damaged or unknown signature
        return SignatureReading(
            subject_name=subject,
            person_data=person,
            issuer=issuer,
            signed_at=None,
            intact=False,
            valid=False,
            trusted=False,
            trust_problem=f"a assinatura não pôde ser lida ({exc})",
            chain_root="",
            later_changes="",
        )
    return SignatureReading(
        subject_name=subject,
        person_data=person,
        issuer=issuer,
        signed_at=_local(status.signer_reported_dt),
        intact=_intact(status),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        trust_problem="" if status.trusted else _trust_problem(status, has_roots),
        chain_root=_root_name(status) if status.trusted else "",
        later_changes=_later_changes(status),
    )


def _holder(cert: x509.Certificate) -> tuple[str, str, str]:
    """The subject's common name, the ICP-Brasil person field as text, the issuer's name."""
    subject = cert.subject.native.get("common_name", "") or distinguished_name(cert.subject)
    issuer = cert.issuer.native.get("common_name", "") or distinguished_name(cert.issuer)
    return _text(subject), _person_data(cert), _text(issuer)


def _text(value: object) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _person_data(cert: x509.Certificate) -> str:
    """The value of the otherName ``2.16.76.1.3.1`` (an OCTET STRING at the gov.br, a
    PrintableString or UTF8String at some ICP-Brasil authorities) as text."""
    for general_name in cert.subject_alt_name_value or ():
        if general_name.name != "other_name":
            continue
        other = general_name.chosen
        if other["type_id"].dotted != ICP_BRASIL_PERSON_OID:
            continue
        try:
            raw = other["value"].parsed.contents or b""
        except ValueError:
            return ""
        return raw.decode("latin-1")
    return ""


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone().replace(tzinfo=None) if moment is not None else None


def _intact(status: Any) -> bool:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    coverage = status.coverage
    return (
        bool(status.intact)
        and coverage is not None
        and (coverage >= SignatureCoverageLevel.ENTIRE_REVISION)
    )


def _later_changes(status: Any) -> str:
    """What the updates after this signature changed besides signatures and their fields."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return ""
    level = status.modification_level
    if level is not None and level <= ModificationLevel.FORM_FILLING and status.docmdp_ok:
        return ""
    return "conteúdo acrescentado ou modificado que não é outra assinatura"


def _trust_problem(status: Any, has_roots: bool) -> str:
    if not has_roots:
        return NO_ROOTS
    if not (status.intact and status.valid):
        return "a assinatura não confere"
    indication = getattr(status.trust_problem_indic, "name", "")
    if indication == "NO_CERTIFICATE_CHAIN_FOUND":
        return "o certificado não se liga a nenhuma raiz cadastrada em Certificados confiáveis"
    if indication in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"):
        return "o certificado (ou um da cadeia) está fora do prazo de validade"
    if indication in ("REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"):
        return "o certificado consta como revogado"
    return f"a cadeia do certificado não pôde ser validada ({indication or 'motivo desconhecido'})"


def _root_name(status: Any) -> str:
    path = status.validation_path
    if path is None:
        return ""
    anchor = path.trust_anchor
    name = getattr(anchor, "name", None) or getattr(
        getattr(anchor, "authority", None), "name", None
    )
    if name is None:
        return ""
    native = name.native
    return _text(native.get("common_name", "")) if isinstance(native, dict) else str(native)


# --- the document before the first signature ------------------------------------------------


def _revisions_before(
    reader: PdfFileReader, data: bytes, signed_revision: int
) -> tuple[RevisionBefore, ...]:
    """Each state of the file before the revision of the first signature, latest first: the
    SHA-256 of its bytes (every way its last line may end) and what changed after it up to the
    signature besides the signature itself."""
    found: list[RevisionBefore] = []
    for revision in range(signed_revision - 1, -1, -1):
        end = _end_of_revision(reader, data, revision)
        if end is None:
            continue
        changes = _changes_up_to(reader, revision, signed_revision)
        for eol in _EOL:
            if data[end : end + len(eol)] == eol:
                digest = hashlib.sha256(data[: end + len(eol)]).hexdigest()
                found.append(RevisionBefore(sha256=digest, changes=changes))
    return tuple(found)


def _end_of_revision(reader: PdfFileReader, data: bytes, revision: int) -> int | None:
    """Where the revision's ``%%EOF`` marker ends."""
    info = reader.xrefs.get_xref_container_info(revision)
    marker = data.find(b"%%EOF", info.end_location)
    return None if marker < 0 else marker + len(b"%%EOF")


def _changes_up_to(reader: PdfFileReader, base: int, signed: int) -> str:
    """What the updates after revision ``base``, up to the signature's, changed in the document
    besides adding the signature ("" when nothing)."""
    from pyhanko.pdf_utils import generic

    old = reader.get_historical_resolver(base)
    catalog = old.root_ref
    info = old.trailer_view.raw_get("/Info") if "/Info" in old.trailer_view else None
    info_ref = info.reference if isinstance(info, generic.IndirectObject) else None
    pages = dict(_pages(old))
    annots = {ref: page for page, ref in _annots_arrays(old, pages)}
    for revision in range(base + 1, signed + 1):
        new = reader.get_historical_resolver(revision)
        if new.root_ref != catalog:
            return "o catálogo do documento foi substituído"
        for ref in new.explicit_refs_in_revision() | new.refs_freed_in_revision():
            if reader.xrefs.get_introducing_revision(ref) > base:
                continue  # a new object: judged by what refers to it
            if ref == info_ref:
                continue  # title, author, dates: not what the debtor reads
            problem = _existing_changed(ref, old, new, catalog, pages, annots)
            if problem:
                return problem
    return ""


def _existing_changed(
    ref: Any,
    old: HistoricalResolver,
    new: HistoricalResolver,
    catalog: Any,
    pages: dict[Any, Any],
    annots: dict[Any, Any],
) -> str:
    if ref == catalog:
        return _dict_changes(old(ref), new(ref), _CATALOG_KEYS, "o catálogo")
    if ref in pages:
        problem = _dict_changes(old(ref), new(ref), _PAGE_KEYS, "uma página")
        return problem or _new_annotations(_annots(old(ref)), _annots(new(ref)))
    if ref in annots:
        return _new_annotations(list(old(ref)), list(new(ref)))
    return f"o objeto {ref.idnum} do documento foi modificado"


def _dict_changes(before: Any, after: Any, allowed: frozenset[str], what: str) -> str:
    from pyhanko.pdf_utils import generic

    if not isinstance(after, generic.DictionaryObject):
        return f"{what} foi substituído(a)"
    keys = set(before.keys()) | set(after.keys())
    changed = sorted(k for k in keys - allowed if _raw(before, k) != _raw(after, k))
    return f"{what} teve {', '.join(changed)} modificado" if changed else ""


def _raw(dictionary: Any, key: str) -> Any:
    """The value as written (an indirect reference stays one), ``None`` when absent."""
    return dictionary.raw_get(key) if key in dictionary else None


def _annots(page: Any) -> list[Any]:
    from pyhanko.pdf_utils import generic

    value = page.get("/Annots", None)
    return list(value) if isinstance(value, generic.ArrayObject) else []


def _new_annotations(before: list[Any], after: list[Any]) -> str:
    """Annotations may only be added, and only signature widgets."""
    from pyhanko.pdf_utils import generic

    def key(item: Any) -> Any:
        return item.reference if isinstance(item, generic.IndirectObject) else id(item)

    old_keys = [key(a) for a in before]
    new_keys = [key(a) for a in after]
    if any(k not in new_keys for k in old_keys):
        return "anotações do documento foram removidas"
    for item in after:
        if key(item) in old_keys:
            continue
        annotation = item.get_object() if isinstance(item, generic.IndirectObject) else item
        if not _is_signature_widget(annotation):
            return "foi acrescentado à página um conteúdo que não é a assinatura"
    return ""


def _is_signature_widget(annotation: Any) -> bool:
    if annotation.get("/Subtype") != "/Widget":
        return False
    field = annotation
    for _ in range(8):  # a widget's field is itself or an ancestor (/Parent)
        if field.get("/FT") == "/Sig":
            return True
        if "/Parent" not in field:
            return False
        field = field["/Parent"]
    return False


def _pages(resolver: HistoricalResolver) -> Iterator[tuple[Any, Any]]:
    """(reference, page dictionary) of every page (and page-tree node) of the revision."""
    from pyhanko.pdf_utils import generic

    root = resolver(resolver.root_ref)
    stack = [root.raw_get("/Pages")]
    seen: set[Any] = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, generic.IndirectObject) or item.reference in seen:
            continue
        seen.add(item.reference)
        node = item.get_object()
        yield item.reference, node
        kids = _raw(node, "/Kids")
        if isinstance(kids, generic.IndirectObject):
            kids = kids.get_object()
        if isinstance(kids, generic.ArrayObject):
            stack.extend(kids.raw_get(i) for i in range(len(kids)))


def _annots_arrays(
    resolver: HistoricalResolver, pages: dict[Any, Any]
) -> Iterator[tuple[Any, Any]]:
    """(page reference, reference of its /Annots array) where the array is its own object."""
    from pyhanko.pdf_utils import generic

    for ref, page in pages.items():
        value = _raw(page, "/Annots")
        if isinstance(value, generic.IndirectObject):
            yield ref, value.reference
