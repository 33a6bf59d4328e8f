"""The demo clinic's collection history: contact attempts, promises and negativações.

Built from the finished payment histories (what each contract has overdue today) so the
worklist's flags — promessa quebrada, sem contato, negativado — and the dashboard's promises
have something real to show. It draws from its own random stream: the patients, contracts and
payments of a seed stay exactly the same as without it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.catalog import Channel, ContactOutcome
from app.domain.law import InstallmentLedger

# The default régua (app.domain.regua.DEFAULT_STEPS) after the due date:
# (days after, channel, step).
STEPS = (
    (1, Channel.WHATSAPP, "atraso_leve"),
    (5, Channel.WHATSAPP, "atraso"),
    (10, Channel.PHONE, "ligacao"),
    (15, Channel.WHATSAPP, "proposta"),
    (30, Channel.LETTER, "notificacao"),
    (40, Channel.LETTER, "aviso_negativacao"),
)
RECENT_DAYS = 120  # older steps are history nobody reads; long debts get monthly calls instead
NEGATIVACAO_AFTER = 50  # the default régua: negativação at D+50, after the D+40 notice


@dataclass
class _Ids:
    contact: int = 1
    promise: int = 1
    negativacao: int = 1


@dataclass(frozen=True)
class _PaidNegativado:
    """A debt paid after it could have been negativado (nothing of the contract overdue now)."""

    paid_on: date
    contract_id: int
    payer_id: int
    included_on: date
    amount_cents: int


class CollectionGenerator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed * 7_919 + 104_729)
        self.today = today
        self.ids = _Ids()
        self.paid_candidates: list[_PaidNegativado] = []

    def rows(
        self,
        contract_id: int,
        payer_id: int,
        ledgers: list[InstallmentLedger],
        profile: str,
        now: datetime,
    ) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {"contact_log": [], "promise": [], "negativacao": []}
        overdue = [
            ld
            for ld in ledgers
            if ld.terms.effective_due_date < self.today
            and sum(s.principal_cents for s in ld.settlements) < ld.terms.amount_cents
        ]
        if not overdue:
            self._remember_paid(contract_id, payer_id, ledgers)
            return out
        oldest = overdue[0]
        due = oldest.terms.effective_due_date
        open_cents = sum(
            ld.terms.amount_cents - sum(s.principal_cents for s in ld.settlements) for ld in overdue
        )
        stamps = {"created_at": now, "updated_at": now}
        days: list[tuple[date, Channel, str]] = [
            (due + timedelta(days=offset), channel, step)
            for offset, channel, step in STEPS
            if due + timedelta(days=offset) <= self.today
        ]
        days = [d for d in days if (self.today - d[0]).days <= RECENT_DAYS]
        if (self.today - due).days > 60:
            # A long debt: the receptionist calls about once a month.
            for back in (75, 45, 15):
                day = self.today - timedelta(days=back + self.rng.randint(0, 6))
                if day > due:
                    days.append((day, Channel.PHONE, "ligacao"))
        for day, channel, step in sorted(days):
            outcome = self._outcome(channel, profile)
            at = datetime.combine(day, time(self.rng.randint(9, 17), self.rng.randint(0, 59)))
            contact_id = self.ids.contact
            self.ids.contact += 1
            out["contact_log"].append(
                {
                    "id": contact_id,
                    "patient_id": payer_id,
                    "contract_id": contract_id,
                    "installment_id": oldest.terms.key,
                    "contacted_at": at,
                    "user_id": None,
                    "channel": channel.value,
                    "step_key": step,
                    "outcome": outcome.value,
                    "note": "",
                    "message_text": "",
                    **stamps,
                }
            )
            if outcome is ContactOutcome.PROMISED:
                out["promise"].append(
                    {
                        "id": self.ids.promise,
                        "patient_id": payer_id,
                        "contract_id": contract_id,
                        "contact_log_id": contact_id,
                        "promised_on": day + timedelta(days=self.rng.randint(2, 8)),
                        "amount_cents": oldest.terms.amount_cents,
                        "resolution": None,
                        "resolved_on": None,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
                self.ids.promise += 1
        late = (self.today - due).days
        negativado = late >= NEGATIVACAO_AFTER and profile in ("sumido", "frequente", "cheque")
        if negativado and self.rng.random() < 0.35:
            out["negativacao"].append(
                {
                    "id": self.ids.negativacao,
                    "patient_id": payer_id,
                    "contract_id": contract_id,
                    "bureau": "serasa",
                    "amount_cents": open_cents,
                    "included_on": min(
                        self.today,
                        due + timedelta(days=NEGATIVACAO_AFTER + self.rng.randint(0, 10)),
                    ),
                    "protocol": f"DEMO-{self.ids.negativacao:06d}",
                    "notice_document_id": None,
                    "removed_on": None,
                    "removal_reason": "",
                    "included_by_id": None,
                    "removed_by_id": None,
                    **stamps,
                }
            )
            self.ids.negativacao += 1
        return out

    def _remember_paid(
        self, contract_id: int, payer_id: int, ledgers: list[InstallmentLedger]
    ) -> None:
        """A contract with nothing overdue whose latest late installment waited long enough
        for a lawful negativação (notice the day after the due date, inclusion 10 days later):
        the debt registered then is paid now (installments still to fall due are not part of
        it)."""
        settled: list[tuple[date, date, int]] = []  # (due, paid, amount)
        for ld in ledgers:
            paid = sum(s.principal_cents for s in ld.settlements)
            if paid >= ld.terms.amount_cents and ld.settlements:
                on = max(s.paid_on for s in ld.settlements)
                settled.append((ld.terms.effective_due_date, on, ld.terms.amount_cents))
        late = [(due, on, amount) for due, on, amount in settled if (on - due).days > 12]
        if not late:
            return
        due, on, amount = max(late, key=lambda t: t[1])
        included = min(due + timedelta(days=NEGATIVACAO_AFTER), on - timedelta(days=1))
        paid_on = max(o for d, o, _a in settled if d < included and o >= included)
        self.paid_candidates.append(
            _PaidNegativado(paid_on, contract_id, payer_id, included, amount)
        )

    def paid_but_negativado(self, now: datetime) -> list[dict[str, Any]]:
        """Good practice: "remove the negativação as soon as the patient pays". The demo keeps two
        debts paid in full but still negativadas, so Cobrança de hoje and Início show the
        removal countdown on day one: the most recent payment (within the 5 business days)
        and one whose deadline has passed (in red). Deterministic: no random draw, so the rest
        of the collection history is the same as without it."""
        ordered = sorted(self.paid_candidates, key=lambda c: (c.paid_on, c.contract_id))
        recent = [c for c in ordered if (self.today - c.paid_on).days <= 4]
        late = [c for c in ordered if 10 <= (self.today - c.paid_on).days <= 40]
        chosen = [group[-1] for group in (recent, late) if group]
        rows = []
        for c in chosen:
            rows.append(
                {
                    "id": self.ids.negativacao,
                    "patient_id": c.payer_id,
                    "contract_id": c.contract_id,
                    "bureau": "spc",
                    "amount_cents": c.amount_cents,
                    "included_on": c.included_on,
                    "protocol": f"DEMO-{self.ids.negativacao:06d}",
                    "notice_document_id": None,
                    "removed_on": None,
                    "removal_reason": "",
                    "included_by_id": None,
                    "removed_by_id": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            self.ids.negativacao += 1
        return rows

    def _outcome(self, channel: Channel, profile: str) -> ContactOutcome:
        roll = self.rng.random()
        if channel in (Channel.WHATSAPP, Channel.LETTER):
            if profile == "sumido" and roll < 0.6:
                return ContactOutcome.NO_ANSWER
            return ContactOutcome.SENT
        # A phone call.
        if profile == "sumido":
            return ContactOutcome.NO_ANSWER if roll < 0.85 else ContactOutcome.PROMISED
        if roll < 0.15:
            return ContactOutcome.PROMISED
        if roll < 0.35:
            return ContactOutcome.NO_ANSWER
        return ContactOutcome.ANSWERED
