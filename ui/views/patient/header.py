"""The top of a patient's page: the name, how to reach them and who pays for whom, the buttons
of the everyday work (new contract, receive a payment, renegotiate…), and where their debt
stands — overdue amount, risk and the suspension of new treatments (suggested; the gestor
decides)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.identity import format_cpf, format_phone
from app.domain.money import format_brl
from app.domain.patients import Patient
from app.domain.risk import FLAG_LABELS
from app.services.overdue import CollectionStatus
from ui.models.overdue_model import SEGMENT_COLOURS
from ui.widgets.buttons import push_button
from ui.widgets.chips import chips_html
from ui.widgets.elided import ElidedLabel

SUSPENDED_STYLE = "background-color:#fbe3e1; color:#8c1d18"
SUGGESTED_STYLE = "background-color:#fdf0d5; color:#7a4a00"
AGREEMENT_TIP = "Renegociar parcelas em atraso: opções lado a lado e termo de confissão."


class PatientHeader(QWidget):
    """Three lines, so the page fits a 1366-pixel screen whatever the name: the name (cut with
    "…" when long) and the everyday buttons; how to reach them; where the debt stands, with the
    suspension beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientHeader")
        self.back_button = push_button("back", self.tr("← Pacientes"))
        self.title = ElidedLabel()
        self.title.setObjectName("viewTitle")
        self.edit_button = push_button("edit", self.tr("Editar cadastro"))
        self.contract_button = push_button("newContract", self.tr("Novo contrato"))
        self.edit_contract_button = push_button("editContract", self.tr("Editar contrato"))
        self.pay_button = push_button("receive", self.tr("Receber pagamento"))
        self.agreement_button = push_button("newAgreement", self.tr("Nova proposta de acordo"))
        self.agreement_button.setToolTip(AGREEMENT_TIP)
        self.suspend_button = push_button("suspend", "")
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.standing = QLabel()
        self.standing.setObjectName("standing")
        self.standing.setTextFormat(Qt.TextFormat.RichText)
        self.standing.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.title, 1)
        for button in (self.pay_button, self.contract_button, self.edit_contract_button,
                       self.agreement_button, self.edit_button):  # fmt: skip
            row.addWidget(button)
        standing_row = QHBoxLayout()
        standing_row.addWidget(self.standing, 1)
        standing_row.addWidget(self.suspend_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.details)
        layout.addLayout(standing_row)

    def offer_contracts(self, any_contract: bool, any_active: bool) -> None:
        """Buttons that cannot act are disabled and say why."""
        self.pay_button.setEnabled(any_active)
        self.pay_button.setToolTip(
            "" if any_active else self.tr('Nenhum contrato ativo: registre um em "Novo contrato".')
        )
        self.edit_contract_button.setEnabled(any_contract)
        self.edit_contract_button.setToolTip(
            "" if any_contract else self.tr("Este paciente ainda não tem contrato.")
        )

    def show_patient(self, patient: Patient) -> None:
        d = patient.data
        self.title.setText(patient.name)
        parts = [f"CPF {format_cpf(d.cpf)}" if d.cpf else self.tr("sem CPF")]
        if d.phone:
            parts.append(format_phone(d.phone) + (" (WhatsApp)" if d.phone_whatsapp else ""))
        if patient.responsible:
            parts.append(
                self.tr("Responsável financeiro: {name}").format(name=patient.responsible.name)
            )
        if patient.dependents:
            names = ", ".join(p.name for p in patient.dependents)
            parts.append(self.tr("Responsável por: {names}").format(names=names))
        self.details.setText("  ·  ".join(parts))

    def show_standing(self, status: CollectionStatus, may_suspend: bool) -> None:
        """Overdue money, risk and the suspension of new treatments."""
        row = status.row
        parts = self._debt(status)
        if status.suspended:
            text = self.tr("Novos tratamentos suspensos")
            if row is None:
                text += self.tr(" — nada mais em atraso: pode liberar")
            parts.append(f"<span style='{SUSPENDED_STYLE}'>&nbsp;<b>{text}</b>&nbsp;</span>")
        elif status.suspension_suggested:
            text = self.tr("Sugestão: suspender novos tratamentos (atraso de {d} dias)").format(
                d=row.days_late if row else 0
            )
            parts.append(f"<span style='{SUGGESTED_STYLE}'>&nbsp;{text}&nbsp;</span>")
        self.standing.setText("  ".join(parts))
        self.standing.setVisible(bool(parts))
        self.suspend_button.setText(
            self.tr("Liberar novos tratamentos")
            if status.suspended
            else self.tr("Suspender novos tratamentos")
        )
        self.suspend_button.setVisible(status.suspended or row is not None)
        self.agreement_button.setEnabled(row is not None)  # only overdue money is renegotiated
        nothing_late = self.tr("Nada em atraso para renegociar.")
        self.agreement_button.setToolTip(self.tr(AGREEMENT_TIP) if row else nothing_late)
        self.suspend_button.setEnabled(may_suspend)
        self.suspend_button.setToolTip(
            "" if may_suspend else self.tr("Só o gestor ou dentista decide a suspensão.")
        )

    def _debt(self, status: CollectionStatus) -> list[str]:
        """What is overdue, the segment and the risk score; its reasons in the tooltip."""
        row = status.row
        if row is None:
            self.standing.setToolTip("")
            return []
        a = row.assessment
        parts = [
            self.tr(
                "Em atraso: <b>{u}</b> (atualizado) há {d} dias · "
                "<span style='color:{c}'>{s}</span> · risco {r}/100"
            ).format(
                u=format_brl(row.updated_cents),
                d=row.days_late,
                c=SEGMENT_COLOURS[a.segment],
                s=html.escape(a.segment_label),
                r=a.score,
            )
        ]
        if a.flags:
            parts.append(chips_html([FLAG_LABELS[f] for f in a.flags]))
        self.standing.setToolTip("\n".join(f"+{r.points}  {r.text}" for r in a.reasons))
        return parts
