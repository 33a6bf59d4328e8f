"""Contracts and confissões the debtor signs electronically — on gov.br, free on the phone, or
with an ICP-Brasil e-CPF — and that the clinic checks offline: is the signature intact, is the
signed content exactly a document EmDia archived, who signed, is that the person charged, and
does the certificate chain to a root the clinic trusts.

The law behind it:

- MP 2.200-2/2001 art. 10: a signature with an ICP-Brasil certificate is presumed the signer's
  (§1); any other electronic signature is valid when the parties admit it (§2);
- Lei 14.063/2020 art. 4: signatures are *simples*, *avançadas* (gov.br) or *qualificadas*
  (ICP-Brasil);
- CPC art. 784 §4 (Lei 14.620/2023): an electronically signed título executivo needs no
  witnesses when the signature's integrity is checked.

What a certificate says about its holder (read by ``app.adapters.signatures``):

- an ICP-Brasil e-CPF names the holder ``NOME:CPF`` in the subject's common name and carries the
  "dados da pessoa física" in the subjectAltName, otherName ``2.16.76.1.3.1``: birth date
  (8 digits, ddmmaaaa), then the CPF (11), the NIS (11), the RG (15) and its issuer (6);
- a gov.br certificate (AC Final do Governo Federal do Brasil) has only the name in the subject
  and the same otherName ``2.16.76.1.3.1`` with the CPF at the same place.

EmDia shows what the certificate says and compares CPFs, never names. It says a chain is
verified only when it reached a root the clinic added itself; revocation lists are online, so
they are never consulted, and the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.catalog import DocumentKind
from app.domain.dates import format_date
from app.domain.identity import format_cpf

ICP_BRASIL_PERSON_OID = "2.16.76.1.3.1"  # otherName: birth date, CPF, NIS, RG of the holder
_BIRTH_DIGITS = 8
_CPF_DIGITS = 11

# The documents the debtor signs: the ones that are títulos executivos (CPC art. 784 III).
SIGNABLE_KINDS: tuple[str, ...] = (DocumentKind.CONTRATO, DocumentKind.CONFISSAO)

NO_ROOTS = "nenhum certificado raiz confiável cadastrado (Configurações → Certificados confiáveis)"
REVOCATION_NOT_CHECKED = (
    "A revogação do certificado não foi consultada: o EmDia trabalha sem internet."
)


@dataclass(frozen=True)
class SignatureReading:
    """One signature of a PDF as the adapter read it, in signing order."""

    subject_name: str  # the certificate's common name
    person_data: str  # the otherName 2.16.76.1.3.1 as text ("" when the certificate has none)
    issuer: str  # the issuing authority's common name
    signed_at: datetime | None  # local time the signer's software wrote (no time-stamp)
    intact: bool  # the signed bytes hash to the digest the signature holds
    valid: bool  # the signature value verifies with the certificate's key
    trusted: bool  # the certificate chains to a root the clinic trusts
    trust_problem: str  # why not (pt-BR); "" when trusted
    chain_root: str  # the trusted root reached ("" when none)
    later_changes: str  # what was changed after this signature besides other signatures ("")


@dataclass(frozen=True)
class RevisionBefore:
    """A state of the file before its first signature: its SHA-256, and what the updates from
    it up to the first signature changed besides adding the signature ("" when nothing)."""

    sha256: str
    changes: str


@dataclass(frozen=True)
class SignedPdfReading:
    sha256: str  # of the whole signed file
    signatures: tuple[SignatureReading, ...]
    revisions: tuple[RevisionBefore, ...]  # the latest state before the first signature first


@dataclass(frozen=True)
class Signer:
    """A signature as the report shows it: who the certificate names and what was checked."""

    name: str
    cpf: str | None
    issuer: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    trust_problem: str = ""
    chain_root: str = ""


@dataclass(frozen=True)
class OriginalDocument:
    """The archived document whose exact bytes the first signature covers, and the person it
    charges (the responsável financeiro, or the patient)."""

    document_id: int
    kind: str
    contract_id: int | None
    agreement_id: int | None
    patient_id: int | None
    debtor_name: str
    debtor_cpf: str | None
    generated_at: datetime | None = None  # when EmDia generated it (local time)


@dataclass(frozen=True)
class SignatureReport:
    """The verification of a signed file, in the words the screen, the dossiê and ``emdia
    documents signed`` use. ``refusal`` says why it cannot be archived (``None``: it can)."""

    signers: tuple[Signer, ...]
    principal: Signer | None  # the debtor's signature when there is one, else the first
    original: OriginalDocument | None
    intact: bool
    valid: bool
    covers_original: bool
    trusted: bool
    matches_debtor: bool
    notes: tuple[str, ...]
    refusal: str | None


def signer_identity(subject_name: str, person_data: str) -> tuple[str, str | None]:
    """The holder's name and CPF as the certificate states them.

    ``NOME:12345678909`` in the common name (ICP-Brasil) gives both; the CPF of the
    ``2.16.76.1.3.1`` field (gov.br and ICP-Brasil) wins when both are there — it is the
    field the authorities define for it."""
    name, _, tail = subject_name.partition(":")
    cpf = tail.strip() if re.fullmatch(r"\d{11}", tail.strip()) else None
    name = name.strip() if cpf else subject_name.strip()
    from_field = _cpf_in_person_data(person_data)
    return name, from_field or cpf


def _cpf_in_person_data(text: str) -> str | None:
    """The CPF at positions 9–19 of the "dados da pessoa física" (after the birth date); a
    field of zeros means "not informed"."""
    raw = re.sub(r"\s", "", text)
    cpf = raw[_BIRTH_DIGITS : _BIRTH_DIGITS + _CPF_DIGITS]
    if len(cpf) == _CPF_DIGITS and cpf.isdigit() and set(cpf) != {"0"}:
        return cpf
    return None


def signer_of(reading: SignatureReading) -> Signer:
    name, cpf = signer_identity(reading.subject_name, reading.person_data)
    return Signer(
        name=name,
        cpf=cpf,
        issuer=reading.issuer,
        signed_at=reading.signed_at,
        intact=reading.intact,
        valid=reading.valid,
        trusted=reading.trusted,
        trust_problem=reading.trust_problem,
        chain_root=reading.chain_root,
    )


def signer_record(signer: Signer) -> dict[str, Any]:
    """A signature as stored with the verification (JSON: dates ISO)."""
    return {
        "signer_name": signer.name,
        "signer_cpf": signer.cpf,
        "issuer": signer.issuer,
        "signed_at": signer.signed_at.isoformat() if signer.signed_at else None,
        "intact": signer.intact,
        "valid": signer.valid,
        "trusted": signer.trusted,
    }


def signer_from_record(values: dict[str, Any]) -> Signer:
    when = values.get("signed_at")
    return Signer(
        name=str(values.get("signer_name", "")),
        cpf=values.get("signer_cpf"),
        issuer=str(values.get("issuer", "")),
        signed_at=datetime.fromisoformat(when) if when else None,
        intact=bool(values.get("intact")),
        valid=bool(values.get("valid")),
        trusted=bool(values.get("trusted")),
    )


def who(signer: Signer) -> str:
    """``MARIA DA SILVA (CPF 123.456.789-09)`` — what the certificate says."""
    return f"{signer.name} (CPF {format_cpf(signer.cpf)})" if signer.cpf else signer.name


def signed_note(name: str, signed_at: datetime | None) -> str:
    """``assinado eletronicamente por MARIA DA SILVA em 14/03`` — what a contract or an acordo
    shows once its document came back signed."""
    when = f" em {signed_at:%d/%m}" if signed_at is not None else ""
    return f"assinado eletronicamente por {name}{when}"


def assess(
    reading: SignedPdfReading,
    original: OriginalDocument | None,
    revision: RevisionBefore | None,
) -> SignatureReport:
    """Judge a signed file: ``original`` is the archived document one of its states before the
    first signature matched (``revision``), ``None`` when none did."""
    signers = tuple(signer_of(s) for s in reading.signatures)
    if not signers:
        return _refused(
            "o arquivo não tem assinatura digital. Peça ao paciente que assine no gov.br (ou com "
            "o e-CPF) e envie o PDF que o assinador devolve."
        )
    debtor_cpf = original.debtor_cpf if original else None
    principal = next((s for s in signers if debtor_cpf and s.cpf == debtor_cpf), signers[0])
    problems = [p for s in reading.signatures for p in _integrity_problems(s)]
    intact = not problems
    valid = all(s.valid for s in signers)
    problems += [f"a assinatura de {s.name} não é válida" for s in signers if not s.valid]
    covers = original is not None and revision is not None and not revision.changes
    if original is None:
        problems.append(
            "o conteúdo assinado não é um contrato nem uma confissão de dívida arquivados pelo "
            "EmDia (nenhum documento do arquivo tem este conteúdo). Envie ao paciente o PDF "
            'gerado pelo EmDia ("Enviar para assinatura") e peça que não o altere'
        )
    elif revision is not None and revision.changes:
        problems.append(
            f"o documento {original.document_id} foi alterado antes de ser assinado "
            f"({revision.changes})"
        )
    matches = bool(debtor_cpf) and principal.cpf == debtor_cpf
    return SignatureReport(
        signers=signers,
        principal=principal,
        original=original,
        intact=intact,
        valid=valid,
        covers_original=covers,
        trusted=principal.trusted,
        matches_debtor=matches,
        notes=_notes(signers, principal, original, matches),
        refusal="Documento assinado recusado: " + "; ".join(problems) + "." if problems else None,
    )


def _refused(why: str) -> SignatureReport:
    return SignatureReport(
        signers=(),
        principal=None,
        original=None,
        intact=False,
        valid=False,
        covers_original=False,
        trusted=False,
        matches_debtor=False,
        notes=(),
        refusal=f"Documento assinado recusado: {why}",
    )


def _integrity_problems(s: SignatureReading) -> list[str]:
    name = signer_identity(s.subject_name, s.person_data)[0]
    if not s.intact:
        return [f"a assinatura de {name} não confere com o conteúdo: o arquivo foi alterado"]
    if s.later_changes:
        return [f"o arquivo foi alterado depois da assinatura de {name} ({s.later_changes})"]
    return []


def _notes(
    signers: Sequence[Signer],
    principal: Signer,
    original: OriginalDocument | None,
    matches: bool,
) -> tuple[str, ...]:
    notes = [_trust_note(principal)]
    if original is not None and not matches:
        notes.append(_debtor_note(principal, original))
    if principal.signed_at is None:
        notes.append("O arquivo não diz quando foi assinado.")
    elif original is not None and original.generated_at is not None:
        notes.extend(_clock_note(principal.signed_at, original.generated_at))
    for other in signers:
        if other is not principal:
            when = f" em {format_date(other.signed_at.date())}" if other.signed_at else ""
            notes.append(f"Também assinado por {who(other)}{when}.")
    return tuple(notes)


def _clock_note(signed_at: datetime, generated_at: datetime) -> list[str]:
    """A signature cannot come before the document it covers: a date earlier than the
    generation is the signer's device clock (the signers send no time-stamp), so the date says
    nothing and the report warns instead of letting it pass as the day of signing."""
    if signed_at >= generated_at:
        return []
    moment = "%d/%m/%Y %H:%M"
    return [
        f"A data de assinatura que o aplicativo de quem assinou gravou "
        f"({signed_at.strftime(moment)}) é anterior à geração do documento "
        f"({generated_at.strftime(moment)}): o relógio do aparelho estava errado. Não use essa "
        "data como prova de quando foi assinado."
    ]


def _trust_note(signer: Signer) -> str:
    if signer.trusted:
        return (
            f"Cadeia verificada até {signer.chain_root or 'uma raiz confiável'}. "
            + REVOCATION_NOT_CHECKED
        )
    return (
        f"Cadeia não verificada: {signer.trust_problem or NO_ROOTS}. A assinatura está "
        "íntegra, mas o EmDia não confirmou quem emitiu o certificado."
    )


def _debtor_note(signer: Signer, original: OriginalDocument) -> str:
    debtor = original.debtor_name
    if not original.debtor_cpf:
        return (
            f"{debtor} não tem CPF no cadastro: não há como conferir se foi quem assinou "
            f"({who(signer)})."
        )
    if signer.cpf is None:
        return (
            f"O certificado de {signer.name} não traz CPF: não há como conferir se é "
            f"{debtor} (CPF {format_cpf(original.debtor_cpf)})."
        )
    return (
        f"Assinado por {who(signer)}, que não é quem este documento cobra: {debtor} "
        f"(CPF {format_cpf(original.debtor_cpf)})."
    )


def signing_request(first_name: str, document: str, clinic: str) -> str:
    """The message that goes with the PDF (WhatsApp or e-mail): how to sign it for free on
    gov.br or with an e-CPF, and to send back the file the signer returns, unchanged."""
    greeting = f"Olá, {first_name}!" if first_name else "Olá!"
    return (
        f"{greeting} Segue o {document} de {clinic} para você assinar eletronicamente, sem "
        "custo e sem imprimir:\n"
        "1. Abra assinador.iti.br (Assinatura Eletrônica do gov.br) e entre com a sua conta "
        "gov.br (nível prata ou ouro).\n"
        "2. Escolha este PDF, clique onde a assinatura deve aparecer e confirme com o código "
        "que chega no aplicativo gov.br ou por SMS.\n"
        "3. Baixe o arquivo assinado e nos envie esse arquivo de volta, sem abrir e salvar em "
        "outro programa (qualquer alteração invalida a assinatura).\n"
        "Se você tem certificado digital ICP-Brasil (e-CPF), pode assinar com ele no programa "
        "de sua preferência. Qualquer dúvida, é só responder esta mensagem."
    )


def first_name(name: str) -> str:
    return name.split()[0].title() if name.strip() else ""


@dataclass(frozen=True)
class SignedDocument:
    """A signed file in the archive with its last verification (the patient page, the dossiê,
    the negativação checklist)."""

    document_id: int
    original_document_id: int
    original_kind: str
    contract_id: int | None
    agreement_id: int | None
    patient_id: int | None
    file_sha256: str
    signer_name: str
    signer_cpf: str | None
    signed_at: datetime | None
    intact: bool
    valid: bool
    covers_original: bool
    trusted: bool
    matches_debtor: bool
    notes: tuple[str, ...]
    verified_at: datetime
    signers: tuple[Signer, ...] = ()  # every signature of the file, in signing order

    @property
    def note(self) -> str:
        return signed_note(self.signer_name, self.signed_at)

    @property
    def signed_on(self) -> date | None:
        return self.signed_at.date() if self.signed_at else None

    @property
    def checks(self) -> tuple[tuple[str, bool], ...]:
        """The four questions the report answers, in plain words, each with its answer."""
        return (
            ("Assinatura íntegra e matematicamente válida", self.intact and self.valid),
            (f"Conteúdo idêntico ao documento {self.original_document_id}", self.covers_original),
            ("Quem assinou é quem o documento cobra", self.matches_debtor),
            ("Cadeia verificada até uma raiz confiável", self.trusted),
        )
