"""``emdia documents signed`` and ``emdia trust`` (docs/CLI.md): the JSON keys, the refusals (exit
1, nothing archived), the gestor's trust store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app import cli
from app.bootstrap import bootstrap
from app.clock import FixedClock
from app.config import load_config
from tests.signing import Authority, append_update, sign

TODAY = "2026-03-16"
SIGNED_KEYS = {
    "document_id", "original_document_id", "kind", "contract_id", "agreement_id", "patient_id",
    "signer_name", "signer_cpf", "signed_at", "intact", "valid", "covers_original", "trusted",
    "matches_debtor", "notes", "signatures",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority()


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.db"
    assert cli.main(["--db", str(path), "--today", TODAY, "demo", "--patients", "12"]) == 0
    capsys.readouterr()  # the demo's summary is not the tests' output
    return path


@pytest.fixture(autouse=True)
def at_the_desk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMDIA_USER", "recepcao")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")


def debtor_of_first_contract(db: Path) -> tuple[int, str, str]:
    """(contract id, debtor's name, debtor's CPF) of a demo contract whose debtor has a CPF."""
    services = bootstrap(load_config(str(db)), FixedClock(date.fromisoformat(TODAY)))
    try:
        with services.contracts.uow() as uow:
            for patient_id in range(1, 50):
                for row in uow.contracts.for_patient(patient_id):
                    debtor = uow.patients.get(row.responsible_id or row.patient_id)
                    if debtor is not None and debtor.cpf:
                        return row.id, debtor.name, debtor.cpf
    finally:
        services.close()
    raise AssertionError("the demo has no contract with a debtor's CPF")


def contract_pdf(capsys: pytest.CaptureFixture[str], db: Path, contract: int, out: Path) -> bytes:
    code, stdout, err = run(
        capsys, "--db", str(db), "--today", TODAY, "documents", "contrato",
        "--contract", str(contract), "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, err
    [item] = json.loads(stdout)
    return Path(item["path"]).read_bytes()


def test_documents_signed_archives_and_prints_the_verification(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, authority: Authority
) -> None:
    contract, name, cpf = debtor_of_first_contract(demo_db)
    original = contract_pdf(capsys, demo_db, contract, tmp_path / "saida")
    signed = tmp_path / "assinado.pdf"
    signed.write_bytes(sign(original, authority.person(name.upper(), cpf), authority))

    code, out, err = run(
        capsys, "--db", str(demo_db), "--today", TODAY, "documents", "signed", str(signed), "--json"
    )

    assert code == 0, err
    item = json.loads(out)
    assert set(item) == SIGNED_KEYS
    assert (item["kind"], item["contract_id"], item["agreement_id"]) == ("contrato", contract, None)
    assert (item["signer_name"], item["signer_cpf"]) == (name.upper(), cpf)
    assert item["signed_at"] == "2026-03-16T15:30:00"
    assert [item[k] for k in ("intact", "valid", "covers_original", "matches_debtor")] == [
        True,
        True,
        True,
        True,
    ]
    assert item["trusted"] is False and item["notes"][0].startswith("Cadeia não verificada")
    assert [s["signer_cpf"] for s in item["signatures"]] == [cpf]

    code, out, err = run(capsys, "--db", str(demo_db), "documents", "signed", str(signed))
    assert code == 0, err
    assert f"Documento assinado {item['document_id']}: já estava arquivado" in out
    assert "[sim] Assinatura íntegra e matematicamente válida" in out
    assert "[não] Cadeia verificada até uma raiz confiável" in out


def test_a_changed_file_exits_1_and_archives_nothing(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, authority: Authority
) -> None:
    contract, name, cpf = debtor_of_first_contract(demo_db)
    original = contract_pdf(capsys, demo_db, contract, tmp_path / "saida")
    changed = tmp_path / "alterado.pdf"
    changed.write_bytes(append_update(sign(original, authority.person(name, cpf), authority)))
    documents_dir = load_config(str(demo_db)).documents_dir
    before = set(documents_dir.rglob("*.pdf"))

    code, out, err = run(capsys, "--db", str(demo_db), "documents", "signed", str(changed))

    assert (code, out) == (1, "")
    assert "Documento assinado recusado: o arquivo foi alterado depois da assinatura" in err
    assert set(documents_dir.rglob("*.pdf")) == before

    usage = (
        (["documents", "signed"], "informe o PDF assinado"),
        (["documents", "signed", str(changed), "--contract", "1"], "use só o ARQUIVO.pdf"),
        (["documents", "contrato", "--contract", "1"], "faltam argumentos obrigatórios: --out"),
    )
    for argv, message in usage:
        with pytest.raises(SystemExit) as info:
            cli.main(["--db", str(demo_db), *argv])
        assert info.value.code == 2 and message in capsys.readouterr().err


def test_trust_is_the_gestors(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    tmp_path: Path,
    authority: Authority,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chain = tmp_path / "cadeia.pem"
    chain.write_bytes(authority.root.pem + authority.issuer.pem)
    code, _out, err = run(capsys, "--db", str(demo_db), "trust", "add", str(chain))
    assert code == 1 and "não pode alterar as configurações da clínica" in err

    monkeypatch.setenv("EMDIA_USER", "gestor")
    code, out, err = run(capsys, "--db", str(demo_db), "trust", "add", str(chain))
    assert code == 0, err
    assert "2 certificado(s) adicionado(s)." in out
    assert "adicionado 1, raiz (âncora): CN=Raiz de Teste do EmDia, O=Gov-Br, C=BR" in out
    code, out, err = run(capsys, "--db", str(demo_db), "trust", "list", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [c["is_root"] for c in listed] == [True, False]
    assert set(listed[0]) == {
        "id", "subject", "issuer", "sha256", "is_root", "not_before", "not_after", "added_at",
    }  # fmt: skip
    assert listed[0]["not_after"] == "2040-01-01"
    code, out, err = run(capsys, "--db", str(demo_db), "trust", "remove", str(listed[1]["id"]))
    assert code == 0 and "removido" in out
    code, _out, err = run(capsys, "--db", str(demo_db), "trust", "remove", "999")
    assert code == 1 and "não está na lista" in err
    not_a_cert = tmp_path / "nada.crt"
    not_a_cert.write_text("isto não é um certificado")
    code, _out, err = run(capsys, "--db", str(demo_db), "trust", "add", str(not_a_cert))
    assert code == 1 and "não é um certificado" in err
