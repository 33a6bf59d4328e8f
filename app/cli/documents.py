"""Document commands:

    emdia documents KIND (--contract ID | --patient ID | --payment ID | --agreement ID) --out DIR
    emdia documents batch notificacao --min-days-late N --out DIR
    emdia documents batch extrato --from AAAA-MM-DD --to AAAA-MM-DD --out DIR
    emdia documents signed FILE.pdf [--json]

Every PDF is archived under the data folder (``documentos/``) and recorded with its SHA-256; a
copy goes to ``--out`` for printing or sending. One line per document: the copy, then the
archived file. ``--json`` prints the same as a list.

``documents signed`` receives a PDF the debtor signed electronically: its signatures are checked
offline and, when it signs exactly an archived contract or confissão, it is archived beside it
(refused with the reason, exit 1, nothing archived otherwise).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, FLAG_OF_FIELD, Parser, open_services, print_json, whole_number
from app.domain.catalog import KIND_LABELS, DocumentKind
from app.domain.dates import format_date, parse_date
from app.domain.documents import ArchivedDocument
from app.domain.money import format_brl
from app.domain.signatures import SignedDocument, signer_record, who
from app.errors import FieldError, ValidationError
from app.services.documents.batch import BatchResult

KINDS = (
    DocumentKind.CONTRATO,
    DocumentKind.CARNE,
    DocumentKind.RECIBO,
    DocumentKind.NOTIFICACAO,
    DocumentKind.AVISO_NEGATIVACAO,
    DocumentKind.CONFISSAO,
    DocumentKind.EXTRATO,
)
BATCH_KINDS = (DocumentKind.NOTIFICACAO, DocumentKind.EXTRATO)
DOSSIE = DocumentKind.DOSSIE.value  # documents dossie --patient ID --out DIR
SIGNED = "signed"  # documents signed FILE.pdf

FLAG_OF_FIELD.update(
    {"min_days_late": "--min-days-late", "agreement": "--agreement", "kind": "KIND"}
)


def register(sub: Any) -> None:
    docs = sub.add_parser(
        "documents",
        help="gera e arquiva PDFs: " + " ".join(KINDS) + "; batch notificacao|extrato",
        description=(
            "Gera documentos em PDF, arquiva cada um (com SHA-256) e copia para --out. "
            "KIND: " + ", ".join(KINDS) + ". Em lote: documents batch notificacao "
            "--min-days-late N --out DIR; documents batch extrato --from AAAA-MM-DD --to "
            "AAAA-MM-DD --out DIR (os contratos com pagamento ou estorno no período). Documento "
            "assinado eletronicamente pelo paciente: documents signed ARQUIVO.pdf (confere e "
            "arquiva)."
        ),
    )
    docs.add_argument(
        "kind", metavar="KIND|batch|dossie|signed", choices=[*KINDS, "batch", DOSSIE, SIGNED]
    )
    docs.add_argument(
        "batch_kind",
        nargs="?",
        metavar="notificacao|extrato|ARQUIVO.pdf",
        help="notificacao ou extrato com batch; o PDF assinado com signed",
    )
    which = docs.add_mutually_exclusive_group()
    which.add_argument("--contract", type=whole_number, metavar="ID")
    which.add_argument("--patient", type=whole_number, metavar="ID")
    which.add_argument("--payment", type=whole_number, metavar="ID")
    which.add_argument("--agreement", type=whole_number, metavar="ID")
    docs.add_argument(
        "--min-days-late", type=whole_number, metavar="N", help="só com batch notificacao"
    )
    docs.add_argument("--from", dest="start", metavar="AAAA-MM-DD", help="só com batch extrato")
    docs.add_argument("--to", dest="end", metavar="AAAA-MM-DD", help="só com batch extrato")
    docs.add_argument("--out", metavar="DIR", help="pasta para as cópias")
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(handler=cmd_documents, parser=docs)


def _usage(args: argparse.Namespace, message: str) -> None:
    parser: Parser = args.parser
    parser.error(message)


def cmd_documents(args: argparse.Namespace) -> int:
    targets = [args.contract, args.patient, args.payment, args.agreement]
    if args.kind == SIGNED:
        return _signed(args, targets)
    if args.out is None:
        _usage(args, "faltam argumentos obrigatórios: --out")
    if args.kind == DOSSIE:
        return _dossie(args, targets)
    if args.kind == "batch":
        if args.batch_kind not in BATCH_KINDS:
            _usage(
                args,
                "em lote existem: documents batch notificacao --min-days-late N; documents "
                "batch extrato --from AAAA-MM-DD --to AAAA-MM-DD",
            )
        if any(t is not None for t in targets):
            _usage(args, "documents batch: não use --contract/--patient/--payment/--agreement")
        if args.batch_kind == DocumentKind.EXTRATO:
            if args.start is None or args.end is None or args.min_days_late is not None:
                _usage(args, "documents batch extrato: use --from AAAA-MM-DD --to AAAA-MM-DD")
            return _statements(args)
        if args.min_days_late is None:
            _usage(args, "documents batch notificacao: falta --min-days-late N")
        return _batch(args)
    if args.batch_kind is not None:
        _usage(args, f"argumento não reconhecido: {args.batch_kind}")
    if args.start is not None or args.end is not None:
        _usage(args, "--from/--to só valem com documents batch extrato")
    if args.min_days_late is not None:
        _usage(args, "--min-days-late só vale com documents batch notificacao")
    if (args.kind == DocumentKind.CONFISSAO) != (args.agreement is not None):
        _usage(args, "o termo de confissão é por acordo: documents confissao --agreement ID")
    if all(t is None for t in targets):
        _usage(args, f"documents {args.kind}: informe --contract, --patient ou --payment")
    _check_out(args.out)
    with open_services(args) as services:
        documents = services.documents.generate(
            args.kind,
            contract_id=args.contract,
            patient_id=args.patient,
            payment_id=args.payment,
            agreement_id=args.agreement,
        )
        out = _out_dir(args.out)
        copies = [services.archive.copy_to(doc, out) for doc in documents]
    if args.json:
        print_json([_as_json(doc, copy) for doc, copy in zip(documents, copies, strict=True)])
    else:
        for doc, copy in zip(documents, copies, strict=True):
            print(f"{copy}  (arquivado: {doc.file_path})")
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    _check_out(args.out)
    with open_services(args) as services:
        total_candidates = len(services.document_batch.overdue_candidates(args.min_days_late))
        result = services.document_batch.notifications(args.min_days_late, _progress(args))
        out = _out_dir(args.out)
        copies = [services.archive.copy_to(doc, out) for doc in result.documents]
    head = {"kind": "notificacao", "min_days_late": args.min_days_late}
    head |= {"candidates": total_candidates, "generated": len(result.documents)}
    done = (
        f"{len(result.documents)} notificação(ões) com mais de {args.min_days_late} dia(s) de "
        f"atraso, somando {format_brl(result.total_cents)} atualizados."
    )
    head |= {"total_cents": result.total_cents}
    return _batch_done(args, result, copies, head, done)


def _statements(args: argparse.Namespace) -> int:
    """``documents batch extrato --from --to --out DIR``: the extrato of every contract with a
    payment or an estorno in the period (for the accountant)."""
    start, end = _dates(args.start, args.end)
    _check_out(args.out)
    with open_services(args) as services:
        result = services.document_batch.statements(start, end, _progress(args))
        out = _out_dir(args.out)
        copies = [services.archive.copy_to(doc, out) for doc in result.documents]
    head = {"kind": "extrato", "from": start, "to": end, "candidates": result.candidates}
    done = (
        f"{len(result.documents)} extrato(s) de contratos com pagamentos de "
        f"{format_date(start)} a {format_date(end)}."
    )
    return _batch_done(args, result, copies, head | {"generated": len(result.documents)}, done)


def _batch_done(
    args: argparse.Namespace,
    result: BatchResult,
    copies: list[Path],
    head: dict[str, Any],
    done: str,
) -> int:
    """Say what a batch made, its copies already in ``--out`` (JSON: ``head``, then the
    documents and the contracts skipped, with why)."""
    skipped = [{"contract_id": cid, "reason": why} for cid, why in result.skipped]
    if args.json:
        documents = [_as_json(d, c) for d, c in zip(result.documents, copies, strict=True)]
        print_json(head | {"documents": documents, "skipped": skipped})
        return EXIT_OK
    if sys.stderr.isatty() and result.candidates:
        print(file=sys.stderr)
    for doc, copy in zip(result.documents, copies, strict=True):
        print(f"{copy}  (arquivado: {doc.file_path})")
    print(done, file=sys.stderr)
    for cid, why in result.skipped:
        print(f"contrato {cid} não gerado: {why}", file=sys.stderr)
    return EXIT_OK


def _dates(start_text: str, end_text: str) -> tuple[date, date]:
    found = [parse_date(start_text, "from", "De"), parse_date(end_text, "to", "Até")]
    errors = [value for value in found if isinstance(value, FieldError)]
    if errors:
        raise ValidationError(errors)
    start, end = found
    assert isinstance(start, date) and isinstance(end, date)
    return start, end


def _progress(args: argparse.Namespace) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    return progress


def _check_out(text: str) -> None:
    """Refuse an unusable --out before anything is generated (created only after success)."""
    out = Path(text).expanduser()
    if out.exists() and not out.is_dir():
        raise ValidationError.single("out", f"Pasta de saída: '{text}' existe e não é uma pasta.")


def _out_dir(text: str) -> Path:
    out = Path(text).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError.single(
            "out", f"Pasta de saída: não foi possível criar '{text}' ({exc.strerror})."
        ) from None
    if not out.is_dir():
        raise ValidationError.single("out", f"Pasta de saída: '{text}' não é uma pasta.")
    return out


def _as_json(document: ArchivedDocument, copy: Path) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "kind": document.kind,
        "patient_id": document.patient_id,
        "contract_id": document.contract_id,
        "payment_id": document.payment_id,
        "as_of": document.as_of,
        "generated_at": document.generated_at.isoformat(timespec="seconds"),
        "sha256": document.sha256,
        "archived_path": document.file_path,
        "path": str(copy),
    }


def _dossie(args: argparse.Namespace, targets: list[int | None]) -> int:
    """``documents dossie --patient ID --out DIR``: the ZIP for a lawyer (summary PDF archived,
    copies of every archived document, SHA256SUMS.txt)."""
    if args.patient is None or sum(t is not None for t in targets) != 1:
        _usage(args, "documents dossie: informe só --patient ID")
    if args.batch_kind is not None or args.min_days_late is not None:
        _usage(args, "documents dossie: use só --patient ID --out DIR")
    _check_out(args.out)
    with open_services(args) as services:
        result = services.dossie.export(args.patient, _out_dir(args.out))
    if args.json:
        print_json(
            {
                "patient_id": args.patient,
                "path": str(result.path),
                "summary": _as_json(result.summary, result.path),
                "copied": result.copied,
                "skipped": [{"document_id": i, "reason": why} for i, why in result.skipped],
            }
        )
        return EXIT_OK
    print(f"{result.path}  (resumo arquivado: {result.summary.file_path})")
    print(f"{result.copied} documento(s) arquivado(s) copiados para o dossiê.", file=sys.stderr)
    for document_id, why in result.skipped:
        print(f"documento {document_id} não copiado: {why}", file=sys.stderr)
    return EXIT_OK


def _signed(args: argparse.Namespace, targets: list[int | None]) -> int:
    """``documents signed FILE.pdf``: check the debtor's electronically signed PDF and archive
    it beside the document it signs."""
    if args.batch_kind is None:
        _usage(args, "documents signed: informe o PDF assinado (documents signed ARQUIVO.pdf)")
    if any(t is not None for t in targets) or args.out or args.min_days_late is not None:
        _usage(args, "documents signed: use só o ARQUIVO.pdf (e --json)")
    with open_services(args) as services:
        received = services.signatures.receive(Path(args.batch_kind))
    signed = received.signed
    if args.json:
        print_json(signed_json(signed))
        return EXIT_OK
    for line in signed_report_lines(signed, received.again):
        print(line)
    return EXIT_OK


def signed_json(signed: SignedDocument) -> dict[str, Any]:
    """The keys scripts rely on (docs/CLI.md): the verification of a signed document."""
    return {
        "document_id": signed.document_id,
        "original_document_id": signed.original_document_id,
        "kind": signed.original_kind,
        "contract_id": signed.contract_id,
        "agreement_id": signed.agreement_id,
        "patient_id": signed.patient_id,
        "signer_name": signed.signer_name,
        "signer_cpf": signed.signer_cpf,
        "signed_at": signed.signed_at.isoformat(timespec="seconds") if signed.signed_at else None,
        "intact": signed.intact,
        "valid": signed.valid,
        "covers_original": signed.covers_original,
        "trusted": signed.trusted,
        "matches_debtor": signed.matches_debtor,
        "notes": list(signed.notes),
        "signatures": [signer_record(s) for s in signed.signers],
    }


def signed_report_lines(signed: SignedDocument, again: bool) -> list[str]:
    what = KIND_LABELS.get(signed.original_kind, signed.original_kind)
    head = (
        f"Documento assinado {signed.document_id}: "
        + ("já estava arquivado; conferência refeita. " if again else "arquivado. ")
        + f"Assina o documento {signed.original_document_id} ({what}"
        + (f" do acordo {signed.agreement_id}" if signed.agreement_id else "")
        + (f" do contrato {signed.contract_id}" if signed.contract_id else "")
        + ")."
    )
    lines = [head]
    for signer in signed.signers:
        when = f" em {signer.signed_at:%d/%m/%Y %H:%M}" if signer.signed_at else ""
        lines.append(f"Assinado por {who(signer)}{when}.")
    lines += [f"[{'sim' if ok else 'não'}] {question}" for question, ok in signed.checks]
    lines += list(signed.notes)
    return lines
