"""Dossiê de cobrança: one ZIP with the archived summary PDF, exact copies of every archived
document (checked by SHA-256) and SHA256SUMS.txt; ``emdia documents dossie``."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date, time
from pathlib import Path

import pytest

from app import cli
from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.services.negativacao import InclusionForm
from tests.conftest import STAFF_PASSWORD, ComputerClock
from tests.negativacao_data import seed_debt, send_notice


def test_the_dossie_holds_the_summary_every_document_and_their_hashes(
    staff: Services, tmp_path: Path
) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debt(staff)
    send_notice(staff, ids)
    result = staff.dossie.export(ids["ana"], tmp_path / "saida")
    assert result.path.name == f"dossie-{ids['ana']}-ana-souza-20260316.zip"
    assert result.copied == 2 and not result.skipped  # contrato + aviso
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        sums = archive.read("SHA256SUMS.txt").decode().splitlines()
        for line in sums:
            digest, name = line.split("  ")
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        summary = next(n for n in names if n.startswith("resumo-DOS-"))
        assert archive.read(summary).startswith(b"%PDF")
    assert len([n for n in names if n.startswith("documentos/")]) == 2
    # The summary is archived like any other document, with its SHA-256.
    assert result.summary.kind == "dossie"
    archived = staff.archive.archived_bytes(result.summary.id)
    assert hashlib.sha256(archived).hexdigest() == result.summary.sha256
    # A second export never overwrites the first.
    again = staff.dossie.export(ids["ana"], tmp_path / "saida")
    assert again.path != result.path and result.path.exists()


def test_a_changed_archive_file_is_not_copied_and_the_summary_says_so(
    staff: Services, tmp_path: Path
) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debt(staff)
    [contract_doc] = staff.archive.for_patient(ids["ana"])
    Path(contract_doc.file_path).write_bytes(b"%PDF-1.4 alterado")
    result = staff.dossie.export(ids["ana"], tmp_path)
    assert result.copied == 0 and result.skipped == (
        (contract_doc.id, "alterado (SHA-256 não confere)"),
    )


@pytest.mark.sqlite_only
def test_cli_documents_dossie(
    tmp_path: Path,
    template_db: Path,
    capsys: pytest.CaptureFixture[str],
    computer_clock: ComputerClock,
) -> None:
    path = tmp_path / "d.db"
    path.write_bytes(template_db.read_bytes())
    services = bootstrap(load_config(str(path)), FixedClock(date(2026, 3, 16), time(10)))
    ids = seed_debt(services)
    send_notice(services, ids)
    services.close()
    services = bootstrap(load_config(str(path)), FixedClock(date(2026, 3, 26), time(10)))
    services.negativacao.include(InclusionForm(ids["contract"], "serasa", "2026-03-26"))
    services.close()
    out_dir = str(tmp_path / "out")
    computer_clock.set(date(2026, 3, 26))  # the dossiê is archived: on the day it is made
    code = cli.main(["--db", str(path), "--today", "2026-03-26", "documents", "dossie",
                     "--patient", str(ids["ana"]), "--out", out_dir, "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"patient_id", "path", "summary", "copied", "skipped"}
    assert payload["copied"] == 2 and payload["summary"]["kind"] == "dossie"
    assert Path(payload["path"]).is_file()
    with pytest.raises(SystemExit) as usage:
        cli.main(["--db", str(path), "documents", "dossie", "--contract", "1", "--out",
                  str(tmp_path)])  # fmt: skip
    assert usage.value.code == 2
