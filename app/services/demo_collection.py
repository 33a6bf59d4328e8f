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

# The default régua of DESIGN.md §5 after the due date: (days after, channel, step).
STEPS = (
    (1, Channel.WHATSAPP, "atraso_leve"),
    (5, Channel.WHATSAPP, "atraso"),
    (10, Channel.PHONE, "ligacao"),
    (15, Channel.WHATSAPP, "proposta"),
    (30, Channel.LETTER, "notificacao"),
    (40, Channel.LETTER, "aviso_negativacao"),
)
RECENT_DAYS = 120  # older steps are history nobody reads; long debts get monthly calls instead
NEGATIVACAO_AFTER = 50  # DESIGN.md §5: negativação at D+50, after the D+40 notice


@dataclass
class _Ids:
    contact: int = 1
    promise: int = 1
    negativacao: int = 1


class CollectionGenerator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed * 7_919 + 104_729)
        self.today = today
        self.ids = _Ids()

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
                    "bureau": "Serasa",
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
