"""Restaurar backup: what the chosen backup holds (made when, which clinic, how many patients,
contracts, payments…) and whether it checks out, before the current database is replaced."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.services.backup import BackupReport

COUNT_LABELS = (
    ("patient", "Pacientes"),
    ("contract", "Contratos"),
    ("installment", "Parcelas"),
    ("payment", "Pagamentos"),
    ("app_user", "Usuários"),
    ("audit_log", "Registros de auditoria"),
)


def preview_text(report: BackupReport) -> str:
    lines = [
        f"Arquivo: {report.path.name}",
        f"Feito em: {report.created_at.replace('T', ' ')} ({report.kind})",
        f"Clínica: {report.clinic or '—'}",
        f"Criptografado: {'sim' if report.encrypted else 'não'}",
    ]
    lines += [f"{label}: {report.counts.get(key, 0)}" for key, label in COUNT_LABELS]
    lines.append("Verificação: ok" if report.ok else "Problemas: " + "; ".join(report.problems))
    return "\n".join(lines)


class RestorePreviewDialog(QDialog):
    def __init__(self, report: BackupReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RestorePreviewDialog")
        self.setWindowTitle(self.tr("Restaurar backup"))
        text = QLabel(preview_text(report))
        text.setObjectName("preview")
        warning = QLabel(
            self.tr(
                "O banco de dados atual será substituído por este backup (uma cópia dele fica "
                "na pasta de backups). Depois, todos entram de novo."
            )
        )
        warning.setWordWrap(True)
        buttons = QDialogButtonBox(self)  # in the dialog first, so its default button holds
        ok = buttons.addButton(self.tr("Restaurar"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setEnabled(report.ok)
        buttons.addButton(self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(warning)
        layout.addWidget(buttons)
