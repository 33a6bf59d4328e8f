"""One payer, one conversation: a mother paying for two children late at the same step gets one
row of Cobrança de hoje, one message listing both and one PIX of the total; logging it moves
both along; a wrong click is undone (and audited); no thank-you while a child is still late."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.bootstrap import Services
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.pix import PayerTxid, decode, read_txid, txid_for
from app.domain.regua import StepKey
from app.errors import EmDiaError, ValidationError
from app.services.collection.contact_log import UNDO_MINUTES, OutcomeForm
from app.services.collection.drafts import MessageDraft
from tests.collection_data import seed_debtors
from tests.conftest import STAFF_PASSWORD, TODAY


class Morning:
    """A clock the test moves (starts Monday 16/03/2026 10:00)."""

    def __init__(self) -> None:
        self.at = datetime.combine(TODAY, time(10))

    def today(self) -> date:
        return self.at.date()

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Morning:
    return Morning()


@pytest.fixture
def family(staff: Services) -> dict[str, int]:
    """Ana pays for Pedro (seed_debtors: due 19/03, his reminder is due), for Caio and for Lia,
    whose contracts were first due 11/03 — 5 days late on the 16th, at the "atraso" step."""
    from app.domain.patients import PatientForm, ResponsibleForm

    staff.login("gestor", STAFF_PASSWORD)
    ids = seed_debtors(staff)
    ana = staff.patients.get(ids["pedro"]).responsible
    assert ana is not None
    ids["ana"] = ana.id
    for name in ("Caio Souza", "Lia Souza"):
        child = staff.patients.create(
            PatientForm(name=name, responsible=ResponsibleForm(cpf="111.444.777-35"))
        )
        contract = staff.contracts.create(
            child.id, ContractForm(total="600,00", installments="2", first_due="2026-03-11")
        )
        who = name.split()[0].lower()
        ids[who], ids[f"{who}_contract"] = child.id, contract.summary.id
    staff.login("recepcao", STAFF_PASSWORD)  # the desk's work from here on
    return ids


def ana_rows(
    drafts: list[MessageDraft], ana: int, step: str = StepKey.ATRASO
) -> list[MessageDraft]:
    return [d for d in drafts if d.payer_id == ana and d.step_key == step]


def promise(row: MessageDraft, amount: str, *, confirmed: bool = False) -> OutcomeForm:
    """The payer promised ``amount`` for 20/03, in the conversation of ``row``."""
    return OutcomeForm(
        row.patient_id,
        "prometeu",
        channel=row.channel,
        step_key=row.step_key,
        contract_id=row.contract_id,
        promise_date="20/03/2026",
        promise_amount=amount,
        together=row.patient_ids,
        confirm_above_debt=confirmed,
    )


def test_a_payer_of_two_late_children_gets_one_row_and_one_pix_of_the_total(
    staff: Services, family: dict[str, int]
) -> None:
    [row] = ana_rows(staff.drafts.today(), family["ana"])
    assert row.step_key == StepKey.ATRASO and row.recipient_name == "Ana Souza"
    assert set(row.patient_ids) == {family["caio"], family["lia"]}
    assert set(row.contract_ids) == {family["caio_contract"], family["lia_contract"]}
    each = 30_000 + 600 + 50  # R$ 300 + 2 % + 5 days of 1 % a.m., as for Maria
    assert row.amount_cents == 2 * each
    assert row.pix_payload is not None
    pix = decode(row.pix_payload)
    assert pix.amount_cents == 2 * each
    assert read_txid(pix.txid) == PayerTxid(family["ana"], TODAY)
    assert "aos atendimentos de Caio e Lia" in row.text
    assert "• Caio — parcela 1/2, vencimento 11/03/2026: R$ 306,50" in row.text
    assert "• Lia — parcela 1/2, vencimento 11/03/2026: R$ 306,50" in row.text
    assert "Total: R$ 613,00" in row.text and "R$ 613,00" in row.text.split("•")[0]
    as_json = row.as_json()
    assert as_json["payer_id"] == family["ana"] and as_json["patient_id"] == row.patient_ids[0]
    assert sorted(as_json["patient_ids"]) == sorted([family["caio"], family["lia"]])
    # Pedro's reminder (another step) is Ana's other row; it is about one contract only.
    [reminder] = ana_rows(staff.drafts.today(), family["ana"], StepKey.LEMBRETE)
    assert reminder.patient_ids == (family["pedro"],) and reminder.pix_payload is not None
    assert decode(reminder.pix_payload).txid == txid_for(family["pedro_contract"], 1)


def test_logging_the_conversation_moves_every_child_along_and_can_be_undone(
    staff: Services, family: dict[str, int], clock: Morning
) -> None:
    [row] = ana_rows(staff.drafts.today(), family["ana"])
    logged = staff.contacts.log_outcome(promise(row, "400,00"))
    assert len(logged.contact_ids) == 2 and logged.promise_cents == 40_000
    assert ana_rows(staff.drafts.today(), family["ana"]) == []
    first, second = row.patient_ids
    promises = [staff.contacts.history(pid)[0].promise for pid in (first, second)]
    assert promises == ["R$ 306,50 até 20/03/2026 (pendente)", "R$ 93,50 até 20/03/2026 (pendente)"]

    clock.at += timedelta(minutes=5)
    staff.contacts.undo(logged.contact_ids)
    [again] = ana_rows(staff.drafts.today(), family["ana"])
    assert again.patient_ids == row.patient_ids  # due again, as before the click
    history = staff.contacts.history(first)
    assert history[0].outcome == "prometeu pagar (desfeito)"
    assert history[0].promise.endswith("(cancelada)")
    with pytest.raises(EmDiaError, match="já foi desfeito"):
        staff.contacts.undo(logged.contact_ids[:1])
    staff.login("gestor", STAFF_PASSWORD)
    undone = [e for e in staff.audit.search() if e.action == "contact.undo"]
    assert {e.entity_id for e in undone} == set(logged.contact_ids)
    assert all(e.username == "recepcao" for e in undone)


def test_an_outcome_is_undone_only_soon_and_by_whoever_logged_it(
    staff: Services, family: dict[str, int], clock: Morning
) -> None:
    logged = staff.contacts.log_outcome(OutcomeForm(family["maria"], "enviado"))
    staff.login("gestor", STAFF_PASSWORD)
    with pytest.raises(EmDiaError, match="Só quem registrou"):
        staff.contacts.undo([logged.contact_id])
    staff.login("recepcao", STAFF_PASSWORD)
    clock.at += timedelta(minutes=UNDO_MINUTES + 1)
    with pytest.raises(EmDiaError, match=f"até {UNDO_MINUTES} minutos"):
        staff.contacts.undo([logged.contact_id])
    assert staff.contacts.history(family["maria"])[0].outcome == "mensagem enviada"
    staff.login("gestor", STAFF_PASSWORD)
    assert not [e for e in staff.audit.search() if e.action == "contact.undo"]


def test_no_thank_you_to_a_mother_while_another_child_is_late(
    staff: Services, family: dict[str, int], clock: Morning
) -> None:
    """Caio's installment is paid late; Lia's is still 6 days late: Ana gets no "obrigado"."""
    clock.at = datetime.combine(date(2026, 3, 17), time(10))
    staff.contacts.log_outcome(
        OutcomeForm(family["lia"], "enviado", channel="whatsapp", step_key=StepKey.ATRASO)
    )
    staff.payments.add(
        PaymentForm(contract_id=family["caio_contract"], amount="306,60", paid_on="17/03/2026")
    )
    thanks = StepKey.AGRADECIMENTO
    assert ana_rows(staff.drafts.today(), family["ana"], thanks) == []
    staff.payments.add(
        PaymentForm(contract_id=family["lia_contract"], amount="306,60", paid_on="17/03/2026")
    )
    [row] = ana_rows(staff.drafts.today(), family["ana"], thanks)
    assert set(row.patient_ids) == {family["caio"], family["lia"]}
    assert "Recebemos o pagamento da parcela 1/2 (Caio) e 1/2 (Lia)" in row.text
    assert "Muito obrigado!" in row.text and row.pix_payload is None


def test_a_promise_is_weighed_against_the_debt_of_the_whole_conversation(
    staff: Services, family: dict[str, int]
) -> None:
    """Ana promising what she owes for both children is no typo, though it is more than one
    child's debt; more than both asks for the confirmation (paying ahead)."""
    [row] = ana_rows(staff.drafts.today(), family["ana"])

    alone = OutcomeForm(row.patient_id, "prometeu", promise_amount="1.000,00")
    assert staff.contacts.promise_above_debt(alone) is not None  # one child's debt is less
    assert staff.contacts.promise_above_debt(promise(row, "1.000,00")) is None
    question = staff.contacts.promise_above_debt(promise(row, "5.000,00"))
    assert question is not None and "R$ 1.213,00" in question
    with pytest.raises(ValidationError, match="mais do que a dívida de hoje"):
        staff.contacts.log_outcome(promise(row, "5.000,00"))
    assert ana_rows(staff.drafts.today(), family["ana"]) == [row]  # nothing was written
    logged = staff.contacts.log_outcome(promise(row, "5.000,00", confirmed=True))
    assert logged.promise_cents == 500_000 and len(logged.contact_ids) == 2
