"""Primeiros passos: what a real clinic sets up before its first day with EmDia, in the order it
is done — the clinic's identification (every charge names the creditor, CDC art. 42-A), the
people who use it, the régua, PIX, where backups go, and the patients it already has.

Pure: the service gathers the facts, this says which steps are done and what each one means."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    CLINIC = "clinic"
    USERS = "users"
    REGUA = "regua"
    PIX = "pix"
    BACKUP = "backup"
    IMPORT = "import"


@dataclass(frozen=True)
class SetupFacts:
    # What the creditor's identification on every charge still lacks (razão social, CNPJ or
    # CPF, endereço, cidade, UF — CDC art. 42-A), as ``ClinicInfo.identification_gaps`` names it.
    clinic_gaps: tuple[str, ...]
    staff: int  # active users besides the administrators
    regua_reviewed: bool  # a step or the contact rules were saved at least once
    pix_ready: bool  # key, name and city for the PIX QR codes
    backup_dir: str  # chosen by someone ("" = the default folder, on this PC's disk)
    backup_same_disk: bool
    patients: int


@dataclass(frozen=True)
class FirstStep:
    step: Step
    title: str
    done: bool
    detail: str  # what is missing, or what was done


def first_steps(facts: SetupFacts) -> list[FirstStep]:
    backup_done = bool(facts.backup_dir) and not facts.backup_same_disk
    if not facts.backup_dir:
        backup = "Escolha um pendrive, HD externo ou pasta de rede para os backups automáticos."
    elif facts.backup_same_disk:
        backup = (
            f"{facts.backup_dir} fica no mesmo disco do banco de dados: escolha um pendrive, HD "
            "externo ou pasta de rede."
        )
    else:
        backup = f"Backups em {facts.backup_dir}."
    return [
        FirstStep(
            Step.CLINIC,
            "Dados da clínica",
            not facts.clinic_gaps,
            "Razão social, CNPJ (ou CPF) e endereço preenchidos: aparecem em toda cobrança."
            if not facts.clinic_gaps
            else f"Falta {', '.join(facts.clinic_gaps)}: toda cobrança identifica quem cobra com "
            "nome, endereço e CNPJ/CPF (CDC art. 42-A).",
        ),
        FirstStep(
            Step.USERS,
            "Usuários",
            facts.staff > 0,
            f"{facts.staff} usuário(s) além do administrador."
            if facts.staff
            else "Cadastre quem usa o EmDia (recepção, gestor), cada um com sua senha.",
        ),
        FirstStep(
            Step.REGUA,
            "Régua de cobrança",
            facts.regua_reviewed,
            "Régua conferida e salva."
            if facts.regua_reviewed
            else "Confira os passos, os textos e os horários de contato da régua padrão.",
        ),
        FirstStep(
            Step.PIX,
            "PIX",
            facts.pix_ready,
            "Chave PIX pronta: mensagens e carnês saem com QR code."
            if facts.pix_ready
            else "Informe a chave PIX da clínica para as mensagens e os carnês terem QR code.",
        ),
        FirstStep(Step.BACKUP, "Pasta dos backups", backup_done, backup),
        FirstStep(
            Step.IMPORT,
            "Pacientes",
            facts.patients > 0,
            f"{facts.patients} paciente(s) cadastrado(s)."
            if facts.patients
            else "Importe a planilha de pacientes (e de contratos) que a clínica já tem, ou "
            "cadastre o primeiro paciente.",
        ),
    ]
