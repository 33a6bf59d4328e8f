"""How an audit line reads (the window's Auditoria and ``emdia audit`` share these words), and
that every action the services write has its words."""

from __future__ import annotations

import ast
from pathlib import Path

from app.domain.audit import (
    ACTION_LABELS,
    ENTITY_LABELS,
    action_label,
    describe,
    record_label,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_line_reads_in_portuguese() -> None:
    assert action_label("clinic.update") == "Dados da clínica alterados"
    assert record_label("contract", 12) == "Contrato 12"
    assert record_label("database", None) == "Banco de dados"
    assert describe({"fine_bp": 200, "amount_cents": 15_050, "active": False}) == (
        "multa: 2 %; valor: R$ 150,50; ativo: não"
    )
    assert describe({"role": "gestor", "pix_key": ""}) == "perfil: Gestor; chave PIX: —"
    assert describe(None) == describe({}) == ""


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert action_label("something.new") == "something.new"
    assert record_label("thing", 3) == "thing 3"
    assert describe({"novo_campo": 7}) == "novo_campo: 7"


def audited() -> tuple[set[str], set[str]]:
    """The actions and entities passed as text to ``audit``/``audit_created`` anywhere in app/
    (``import.{kind}`` stands for the three imports)."""
    actions: set[str] = set()
    entities: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in ("audit", "audit_created"):
                continue
            texts = [
                a.value
                for a in [*node.args, *(k.value for k in node.keywords)]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if any(isinstance(a, ast.JoinedStr) for a in node.args):
                actions |= {f"import.{kind}" for kind in ("patients", "contracts", "payments")}
            actions |= {t for t in texts if "." in t}
            entities |= {t for t in texts if "." not in t}
    return actions, entities


def test_every_action_and_record_the_services_audit_has_its_words() -> None:
    actions, entities = audited()
    assert len(actions) >= 30 and "payment.reverse" in actions  # the scan sees them
    assert actions - set(ACTION_LABELS) == set()
    assert entities - set(ENTITY_LABELS) == set()
