"""The document archive is part of the protected data: an encrypted clinic's PDFs are sealed on
disk (a stolen disk shows no name or CPF in ``documentos/``), open only through EmDia with their
SHA-256 checked, and plain ones left from before the encryption are sealed at the next start."""

from __future__ import annotations

import hashlib
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.contracts import ContractForm
from app.domain.documents import ArchivedDocument
from app.domain.patients import PatientForm
from app.errors import EmDiaError
from app.security import unlock
from app.security.sealing import SEALED_SUFFIX
from app.services.backup import BackupResult
from tests.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.sqlite_only  # files and keys of this PC

CLINIC = {
    "name": "Clínica Sorriso Ltda",
    "cnpj": "11.222.333/0001-81",
    "address": "Av. Brasil, 1500",
    "city": "Campinas",
    "state": "SP",
}
ANA = PatientForm(name="Ana Conceição Lima", cpf="529.982.247-25")


def open_clinic(db: Path, clock: FixedClock, key: object = None) -> Services:
    return bootstrap(load_config(str(db)), clock, key=key)  # type: ignore[arg-type]


def with_contract_document(services: Services) -> ArchivedDocument:
    services.clinic.update(CLINIC)
    patient = services.patients.create(ANA)
    view = services.contracts.create(
        patient.id, ContractForm(total="600,00", installments="3", first_due="2026-04-10")
    )
    [document] = services.documents.generate("contrato", contract_id=view.summary.id)
    return document


@pytest.fixture
def encrypted(tmp_path: Path, clock: FixedClock) -> Iterator[Services]:
    db = tmp_path / "clinica" / "emdia.db"
    db.parent.mkdir()
    services = open_clinic(db, clock, unlock.new_protection(db, None))
    yield services
    services.close()


def test_an_encrypted_clinics_pdf_is_sealed_on_disk_and_opens_through_emdia(
    encrypted: Services,
) -> None:
    document = with_contract_document(encrypted)
    stored = Path(document.file_path)
    assert stored.name.endswith(SEALED_SUFFIX)
    raw = stored.read_bytes()
    assert not raw.startswith(b"%PDF")
    # Long enough that ciphertext never holds one by chance (three bytes, as "Ana" was, turn
    # up in about one sealed file in three hundred); a plain PDF holds every marker.
    for secret in (b"endobj", b"%%EOF", b"Ana Concei", "Conceição".encode(), b"529.982.247"):
        assert secret not in raw
    pdf = encrypted.archive.archived_bytes(document.id)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == document.sha256


def test_a_sealed_file_altered_by_one_bit_does_not_open(encrypted: Services) -> None:
    document = with_contract_document(encrypted)
    stored = Path(document.file_path)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 1
    stored.write_bytes(bytes(data))
    with pytest.raises(EmDiaError, match="foi alterado depois de gerado"):
        encrypted.archive.archived_bytes(document.id)


def test_the_viewer_gets_a_private_plain_copy_outside_the_archive(encrypted: Services) -> None:
    document = with_contract_document(encrypted)
    copy = encrypted.archive.viewable_file(document.id)
    temporary = encrypted.config.data_dir / "temporarios"
    assert copy.is_relative_to(temporary) and copy.suffix == ".pdf"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == document.sha256
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700


def test_the_command_line_copies_a_plain_pdf_to_out(
    encrypted: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = with_contract_document(encrypted)
    copy = encrypted.archive.copy_to(document, tmp_path)
    assert copy.name.endswith(".pdf") and not copy.name.endswith(SEALED_SUFFIX)
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == document.sha256


def test_the_dossie_of_an_encrypted_clinic_holds_the_plain_pdfs(
    encrypted: Services, tmp_path: Path
) -> None:
    import zipfile

    document = with_contract_document(encrypted)
    result = encrypted.dossie.export(document.patient_id or 0, tmp_path / "advogado")
    assert result.copied == 1 and result.skipped == ()
    with zipfile.ZipFile(result.path) as archive:
        [name] = [n for n in archive.namelist() if n.startswith("documentos/")]
        assert name.endswith(".pdf") and not name.endswith(".emdia")
        assert hashlib.sha256(archive.read(name)).hexdigest() == document.sha256


def test_plain_archives_are_sealed_on_the_first_start_after_encrypting(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = tmp_path / "clinica" / "emdia.db"
    db.parent.mkdir()
    plain = open_clinic(db, clock)
    document = with_contract_document(plain)
    tampered = plain.documents.generate("contrato", contract_id=document.contract_id)[0]
    Path(tampered.file_path).write_bytes(b"%PDF-1.4 changed outside EmDia")
    assert Path(document.file_path).read_bytes().startswith(b"%PDF")
    protected = plain.security.encrypt(None)
    plain.close()

    reopened = open_clinic(db, clock, protected.key)  # the first start with the key seals
    try:
        sealed = reopened.archive.get(document.id)
        assert sealed.file_path == document.file_path.removesuffix(".pdf") + SEALED_SUFFIX
        assert not Path(document.file_path).exists()
        assert b"%PDF" not in Path(sealed.file_path).read_bytes()
        assert hashlib.sha256(reopened.archive.archived_bytes(document.id)).hexdigest() == (
            document.sha256
        )
        # A file that no longer matches its SHA-256 is not sealed: that would hide the change.
        assert reopened.archive.get(tampered.id).file_path == tampered.file_path
        with pytest.raises(EmDiaError, match="foi alterado"):
            reopened.archive.archived_bytes(tampered.id)
    finally:
        reopened.close()


# --- the archive in the backups -----------------------------------------------------------


def store_files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "emdia-documentos").rglob("*.pdf"))


def test_backups_hold_the_archive_copying_each_document_once(
    encrypted: Services, tmp_path: Path
) -> None:
    first_doc = with_contract_document(encrypted)
    folder = tmp_path / "pendrive"
    first = encrypted.backups.create(folder)
    assert first.report.documents == 1 and first.report.warnings == []
    [blob] = store_files(folder)
    assert blob.read_bytes() == Path(first_doc.file_path).read_bytes()  # sealed, as archived
    second_doc = encrypted.documents.generate("carne", contract_id=first_doc.contract_id)[0]
    copied_before = blob.stat().st_mtime_ns
    second = encrypted.backups.create(folder)
    assert second.report.documents == 2
    assert len(store_files(folder)) == 2  # only the new one was copied…
    assert blob.stat().st_mtime_ns == copied_before  # …the first one was not copied again
    assert {second_doc.sha256, first_doc.sha256} == {p.stem for p in store_files(folder)}


def test_the_start_and_closing_backups_at_once_both_hold_the_archive(
    encrypted: Services, tmp_path: Path
) -> None:
    """The window closed right after it opened: the closing backup runs while the start backup
    is still copying the archive into the same store, each document into the same file."""
    first = with_contract_document(encrypted)
    digests = {first.sha256}
    assert first.patient_id is not None
    for n in range(2, 9):  # eight contracts of Ana's: eight different files in the store
        view = encrypted.contracts.create(
            first.patient_id,
            ContractForm(total=f"{n}00,00", installments=str(n), first_due="2026-04-10"),
        )
        [document] = encrypted.documents.generate("contrato", contract_id=view.summary.id)
        digests.add(document.sha256)
    folder = tmp_path / "pendrive"
    encrypted.backups.set_folder(str(folder))
    together = threading.Barrier(2)
    results: dict[str, object] = {}

    def backup(kind: str) -> None:
        together.wait()
        try:
            results[kind] = encrypted.backups.create_automatic(kind)
        except BaseException as exc:  # what the window would have reported
            results[kind] = exc

    threads = [threading.Thread(target=backup, args=(k,)) for k in ("inicio", "fechamento")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for kind, result in results.items():
        assert isinstance(result, BackupResult), (kind, result)
        assert result.report.ok and result.report.documents == 8
    assert {p.stem for p in store_files(folder)} == digests
    assert not [p for p in folder.rglob("*") if p.name.endswith(".parcial")]


def test_a_restore_on_a_new_computer_brings_every_archived_document_back(
    encrypted: Services,
    tmp_path: Path,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.memory_keyring import MemoryKeyring

    document = with_contract_document(encrypted)
    encrypted.documents.generate("carne", contract_id=document.contract_id)
    folder = tmp_path / "pendrive"
    encrypted.backups.create(folder)
    encrypted.documents.generate("contrato", contract_id=document.contract_id)  # after it
    backup = encrypted.backups.create(folder).file.path
    recovery = encrypted.key.recovery_code() if encrypted.key else ""
    encrypted.close()

    # Another computer: another home, an empty keyring, only the pendrive.
    new_home = tmp_path / "novo-pc"
    monkeypatch.setenv("EMDIA_HOME", str(new_home))
    import keyring

    keyring.set_keyring(MemoryKeyring())
    fresh = bootstrap(load_config(), clock)
    fresh.backups.restore(backup, recovery)
    fresh.close()
    db = load_config().sqlite_path
    assert db is not None
    reopened = open_clinic(db, clock, unlock.resolve_key(db, use_env=False))
    try:
        patient_id = document.patient_id or 0
        archived = reopened.archive.for_patient(patient_id)
        assert len(archived) == 3
        for item in archived:
            pdf = reopened.archive.archived_bytes(item.id)
            assert hashlib.sha256(pdf).hexdigest() == item.sha256
        result = reopened.dossie.export(patient_id, tmp_path / "advogado")
        assert result.copied == 3 and result.skipped == ()  # no "arquivo ausente"
        restored = sorted((new_home / "documentos").rglob("*"))
        assert [p.name for p in restored if p.is_file()] and all(
            p.name.endswith(SEALED_SUFFIX) for p in restored if p.is_file()
        )
    finally:
        reopened.close()


def test_a_backup_copied_without_its_documents_says_so(encrypted: Services, tmp_path: Path) -> None:
    import shutil

    with_contract_document(encrypted)
    backup = encrypted.backups.create(tmp_path / "pendrive").file.path
    alone = tmp_path / "sozinho"
    alone.mkdir()
    shutil.copy(backup, alone / backup.name)
    report = encrypted.backups.verify(alone / backup.name)
    assert report.ok  # the database copy itself is fine…
    assert report.warnings == [  # …but the archive would not come back
        "1 documento(s) arquivado(s) não está(ão) na pasta emdia-documentos ao lado do backup "
        "— copie a pasta inteira dos backups, não só o arquivo .emdiabak"
    ]


def test_an_encrypted_clinic_moved_to_the_server_still_opens_its_sealed_documents(
    clock: FixedClock,
    request: pytest.FixtureRequest,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    """The PC that moved its clinic to the server keeps the archive it had, sealed with its
    own file's key (still in this PC's keyring), and seals what it archives from now on."""
    from tests.pg import PgServer

    server: PgServer = request.getfixturevalue("pg_server")
    url = server.empty_database()
    request.addfinalizer(lambda: server.drop(url))
    local = load_config().sqlite_path
    assert local is not None
    local.parent.mkdir(parents=True, exist_ok=True)
    clinic = open_clinic(local, clock, unlock.new_protection(local, None))
    before = with_contract_document(clinic)
    clinic.database.copy_to(url)
    clinic.database.use(url)
    clinic.close()
    moved = bootstrap(load_config(), clock)
    try:
        assert not moved.config.is_sqlite
        pdf = moved.archive.archived_bytes(before.id)
        assert hashlib.sha256(pdf).hexdigest() == before.sha256
        [after] = moved.documents.generate("contrato", contract_id=before.contract_id)
        assert after.file_path.endswith(SEALED_SUFFIX)
        assert b"Ana" not in Path(after.file_path).read_bytes()
        assert hashlib.sha256(moved.archive.archived_bytes(after.id)).hexdigest() == after.sha256
    finally:
        moved.close()
    memory_keyring.entries.clear()  # a PC whose keyring lost the local file's key
    lost = bootstrap(load_config(), clock)
    try:
        with pytest.raises(EmDiaError, match="essa chave não está no cofre de senhas"):
            lost.archive.archived_bytes(before.id)
        result = lost.dossie.export(before.patient_id or 0, tmp_path / "advogado")
        assert [reason for _, reason in result.skipped] == [
            "criptografado, sem a chave neste computador"
        ] * 2
    finally:
        lost.close()
