"""``emdia messages`` (docs/CLI.md keys), ``emdia contact log|history`` and ``emdia regua``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli
from app.domain.pix import crc_is_valid, decode

KEYS = {
    "patient_id",
    "patient_name",
    "contract_id",
    "step",
    "channel",
    "text",
    "pix_payload",
    "whatsapp_url",
    "allowed_now",
    "reason",
    "payer_id",
    "patient_ids",
    "contract_ids",
}
TODAY = "2026-03-16"  # a Monday


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "cli.db")
    code, _, err = run(capsys, "--db", path, "--today", TODAY, "demo", "--patients", "60")
    assert code == 0, err
    monkeypatch.setenv("EMDIA_USER", "recepcao")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")
    return path


def messages(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--db", db, "--today", TODAY, "messages", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert isinstance(payload, list)
    return payload


def test_messages_json_has_exactly_the_design_keys(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    rows = messages(capsys, db)
    assert rows and all(set(row) == KEYS for row in rows)
    with_pix = [r for r in rows if r["pix_payload"]]
    assert with_pix
    for row in with_pix:
        payload = str(row["pix_payload"])
        assert crc_is_valid(payload) and (decode(payload).amount_cents or 0) > 0
        if row["channel"] in ("whatsapp", "email") and row["step"] != "proposta":
            assert payload in str(row["text"])  # the copia-e-cola goes in the message
    whatsapp = [r for r in rows if r["channel"] == "whatsapp" and r["allowed_now"]]
    assert all(str(r["whatsapp_url"]).startswith("https://wa.me/55") for r in whatsapp)


def test_plain_messages_are_readable(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "--today", TODAY, "messages")
    assert code == 0 and "valor atualizado: R$" in out and "| Olá" in out


def test_logging_a_promise_headlessly_takes_the_row_off_the_list(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    row = next(r for r in messages(capsys, db) if r["allowed_now"] and r["step"] != "agradecimento")
    patient = str(row["patient_id"])
    code, out, err = run(
        capsys, "--db", db, "--today", TODAY, "contact", "log", "--patient", patient,
        "--outcome", "prometeu", "--promise-date", "2026-03-20", "--promise-amount", "100,00",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    logged = json.loads(out)
    assert logged["outcome"] == "promised" and logged["step"] == row["step"]
    assert logged["promise_cents"] == 10_000 and logged["promised_on"] == "2026-03-20"
    assert patient not in {str(r["patient_id"]) for r in messages(capsys, db)}
    code, out, _ = run(capsys, "--db", db, "--today", TODAY, "contact", "history", "--patient",
                       patient, "--json")  # fmt: skip
    history = json.loads(out)
    assert code == 0 and history[0]["outcome"] == "prometeu pagar"
    assert history[0]["who"] == "Recepcionista Demonstração"
    assert history[0]["promise"] == "R$ 100,00 até 20/03/2026 (pendente)"


def test_refusals_name_the_flag_and_write_nothing(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    patient = str(messages(capsys, db)[0]["patient_id"])
    _, out, _ = run(capsys, "--db", db, "contact", "history", "--patient", patient, "--json")
    before = json.loads(out)  # the demo may already hold earlier contacts for this patient
    code, out, err = run(
        capsys, "--db", db, "--today", TODAY, "contact", "log", "--patient", patient,
        "--outcome", "prometeu", "--promise-date", "20/02/2026",
    )  # fmt: skip
    assert code == 1 and "[--promise-date]" in err and "antes de hoje" in err
    assert "Traceback" not in out + err
    code, _, err = run(capsys, "--db", db, "contact", "log", "--patient", patient, "--outcome", "x")
    assert code == 1 and "[--outcome]" in err
    _, out, _ = run(capsys, "--db", db, "contact", "history", "--patient", patient, "--json")
    assert json.loads(out) == before


def test_regua_show_lists_the_default_steps(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "regua", "show", "--json")
    steps = json.loads(out)
    assert code == 0 and [s["key"] for s in steps][:3] == ["lembrete", "vencimento", "atraso_leve"]
    code, out, _ = run(capsys, "--db", db, "regua", "show")
    assert "D−3" in out and "Notificação extrajudicial" in out


def regua(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, dict[str, object]]:
    code, out, err = run(capsys, "--db", db, "regua", "show", "--json")
    assert code == 0, err
    return {s["key"]: s for s in json.loads(out)}


def test_regua_set_refuses_unlawful_wording_with_the_word_and_the_law_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CDC arts. 42 and 71: the same guard as the window, for a gestor without a window."""
    monkeypatch.setenv("EMDIA_USER", "gestor")
    before = regua(capsys, db)
    text = "Olá {responsavel}, última chance: pague ou chamaremos a p0l1c1a."
    code, out, err = run(capsys, "--db", db, "regua", "set", "atraso", "--text", text)
    assert code == 1 and out == ""
    assert "“última chance” não pode ser usado" in err and "CDC arts. 42 e 71" in err
    assert "“p0l1c1a” não pode ser usado" in err and "art. 71" in err and "[--text]" in err
    assert regua(capsys, db) == before


def test_regua_set_changes_one_step_headless(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EMDIA_USER", "gestor")
    file = tmp_path / "atraso.txt"
    file.write_text("Olá, {responsavel}! A parcela {parcela} está em aberto.\n", "utf-8")
    code, out, err = run(
        capsys, "--db", db, "regua", "set", "atraso", "--text-file", str(file),
        "--offset", "6", "--channel", "email", "--active", "nao", "--json",
    )  # fmt: skip
    assert code == 0, err
    saved = json.loads(out)
    assert saved == {
        "key": "atraso",
        "name": "Atraso",
        "offset_days": 6,
        "channel": "email",
        "active": False,
        "template": "Olá, {responsavel}! A parcela {parcela} está em aberto.",
    }
    assert regua(capsys, db)["atraso"] == saved
    code, _, err = run(capsys, "--db", db, "regua", "set", "atraso", "--active", "talvez")
    assert code == 1 and "Ativo: responda sim ou nao." in err
    code, _, err = run(capsys, "--db", db, "regua", "set", "cobranca", "--offset", "3")
    assert code == 1 and "Passo 'cobranca' não existe na régua" in err


def test_regua_set_is_the_gestors(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _, err = run(capsys, "--db", db, "regua", "set", "atraso", "--offset", "7")
    assert code == 1 and "não pode" in err  # recepção


def test_a_legal_consequence_is_informed_only_in_a_formal_step(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMDIA_USER", "gestor")
    neutral = "O débito de {responsavel} poderá ser incluído no SPC após a comunicação prévia."
    code, _, err = run(capsys, "--db", db, "regua", "set", "atraso", "--text", neutral)
    assert code == 1 and "“SPC” não pode ser usado" in err and "passos formais" in err
    code, _, err = run(capsys, "--db", db, "regua", "set", "aviso_negativacao", "--text", neutral)
    assert code == 0, err
