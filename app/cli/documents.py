"""Document commands:

    emdia documents KIND (--contract ID | --patient ID | --payment ID | --agreement ID) --out DIR
    emdia documents batch notificacao --min-days-late N --out DIR
    emdia documents batch extrato --from AAAA-MM-DD --to AAAA-MM-DD --out DIR

Every PDF is archived under the data folder (``documentos/``) and recorded with its SHA-256; a
copy goes to ``--out`` for printing or sending. One line per document: the copy, then the
archived file. ``--json`` prints the same as a list.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, FLAG_OF_FIELD, Parser, open_services, print_json
from app.domain.catalog import DocumentKind
from app.domain.dates import format_date, parse_date
from app.domain.documents import ArchivedDocument
from app.domain.money import format_brl
from app.errors import EmDiaError, FieldError, ValidationError
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
            "AAAA-MM-DD --out DIR (os contratos com pagamento ou estorno no período)."
        ),
    )
    docs.add_argument("kind", metavar="KIND|batch|dossie", choices=[*KINDS, "batch", DOSSIE])
    docs.add_argument("batch_kind", nargs="?", metavar="notificacao|extrato", help="só com batch")
    which = docs.add_mutually_exclusive_group()
    which.add_argument("--contract", type=int, metavar="ID")
    which.add_argument("--patient", type=int, metavar="ID")
    which.add_argument("--payment", type=int, metavar="ID")
    which.add_argument("--agreement", type=int, metavar="ID")
    docs.add_argument("--min-days-late", type=int, metavar="N", help="só com batch notificacao")
    docs.add_argument("--from", dest="start", metavar="AAAA-MM-DD", help="só com batch extrato")
    docs.add_argument("--to", dest="end", metavar="AAAA-MM-DD", help="só com batch extrato")
    docs.add_argument("--out", required=True, metavar="DIR", help="pasta para as cópias")
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(handler=cmd_documents, parser=docs)


def _usage(args: argparse.Namespace, message: str) -> None:
    parser: Parser = args.parser
    parser.error(message)


def cmd_documents(args: argparse.Namespace) -> int:
    targets = [args.contract, args.patient, args.payment, args.agreement]
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
    copies = [_copy(doc, out) for doc in documents]
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
    head = {"kind": "notificacao", "min_days_late": args.min_days_late}
    head |= {"candidates": total_candidates, "generated": len(result.documents)}
    done = (
        f"{len(result.documents)} notificação(ões) com mais de {args.min_days_late} dia(s) de "
        f"atraso, somando {format_brl(result.total_cents)} atualizados."
    )
    return _batch_done(args, result, head | {"total_cents": result.total_cents}, done)


def _statements(args: argparse.Namespace) -> int:
    """``documents batch extrato --from --to --out DIR``: the extrato of every contract with a
    payment or an estorno in the period (for the accountant)."""
    start, end = _dates(args.start, args.end)
    _check_out(args.out)
    with open_services(args) as services:
        result = services.document_batch.statements(start, end, _progress(args))
    head = {"kind": "extrato", "from": start, "to": end, "candidates": result.candidates}
    done = (
        f"{len(result.documents)} extrato(s) de contratos com pagamentos de "
        f"{format_date(start)} a {format_date(end)}."
    )
    return _batch_done(args, result, head | {"generated": len(result.documents)}, done)


def _batch_done(
    args: argparse.Namespace, result: BatchResult, head: dict[str, Any], done: str
) -> int:
    """Copy a batch's documents to ``--out`` and say what was made (JSON: ``head``, then the
    documents and the contracts skipped, with why)."""
    out = _out_dir(args.out)
    copies = [_copy(doc, out) for doc in result.documents]
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


def _copy(document: ArchivedDocument, out: Path) -> Path:
    """Copy the archived file to ``out`` without overwriting anything already there."""
    source = Path(document.file_path)
    stem = source.stem
    for attempt in range(1, 10_000):
        target = out / (f"{stem}.pdf" if attempt == 1 else f"{stem}-{attempt}.pdf")
        if target.resolve() == source.resolve():
            return target
        try:
            with open(target, "xb") as handle, open(source, "rb") as original:
                shutil.copyfileobj(original, handle)
        except FileExistsError:
            continue
        return target
    raise EmDiaError(f"Não foi possível criar um arquivo novo em {out}.")


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
