"""Importar / Exportar against a real database: all or nothing, no duplicates, history and
money through the same rules as the desk, exports Excel opens right."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.contracts import PaymentForm
from app.domain.patients import PatientForm
from app.persistence import models
from app.progress import Cancelled
from app.services.transfer import ImportReport
from tests.conftest import ComputerClock
from tests.sheets import EXCEL_PATIENT_HEADER, cpf, excel_csv, excel_patients

TODAY = date(2026, 3, 16)


def count(services: Services, model: type[models.Base]) -> int:
    with services.patients.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def do_import(services: Services, kind: str, path: Path, *, dry: bool = False) -> ImportReport:
    t = services.transfer
    table = t.read(path)
    return t.run(kind, table, t.suggest(kind, table), dry_run=dry, file_name=path.name)


@pytest.fixture
def fresh(tmp_path: Path, template_db: Path) -> Iterator[Services]:
    """A second, empty clinic (to import an export into)."""
    path = tmp_path / "fresh.db"
    shutil.copyfile(template_db, path)
    services = bootstrap(load_config(str(path)), FixedClock(TODAY))
    yield services
    services.close()


# --- the whole round trip ------------------------------------------------------------------


def test_two_thousand_line_excel_pt_br_csv_imports_cleanly(
    services: Services, tmp_path: Path
) -> None:
    rows = excel_patients(2_000, seed=11)
    path = write(tmp_path, "pacientes.csv", excel_csv(EXCEL_PATIENT_HEADER, rows))
    table = services.transfer.read(path)
    assert (table.source.encoding, table.source.delimiter) == ("windows-1252", ";")
    dry = do_import(services, "patients", path, dry=True)
    assert dry.ok and dry.created == {"patients": 2_000} and not dry.written
    assert count(services, models.Patient) == 0  # the dry run wrote nothing
    report = do_import(services, "patients", path)
    assert report.ok and report.written and report.created == {"patients": 2_000}
    assert count(services, models.Patient) == 2_000
    first = services.patients.search(rows[0][0], 0, 5)[0]
    patient = services.patients.get(first.id)
    assert patient.data.city == rows[0][8] and patient.data.state == "SP"
    assert patient.data.street.startswith("Rua São João")
    assert patient.data_confirmed_on is None  # spreadsheet data was never confirmed in EmDia


def test_three_bad_lines_are_refused_exactly_and_nothing_is_written(
    services: Services, tmp_path: Path
) -> None:
    rows = excel_patients(300, seed=12)
    rows[13][2] = "31/02/1990"  # line 15: impossible date
    rows[99][1] = "123.456.789-00"  # line 101: check digits
    rows[250][3] = "(00) 1234-5678"  # line 252: DDD
    path = write(tmp_path, "pacientes.csv", excel_csv(EXCEL_PATIENT_HEADER, rows))
    report = do_import(services, "patients", path)
    assert not report.written
    assert [str(e) for e in report.errors] == [
        "linha 15, coluna Data de Nascimento: '31/02/1990' não é uma data válida.",
        "linha 101, coluna CPF: '123.456.789-00' não é um CPF válido (dígitos verificadores "
        "não conferem).",
        "linha 252, coluna Celular: '(00) 1234-5678' não é um telefone brasileiro válido "
        "(confira o DDD).",
    ]
    assert count(services, models.Patient) == 0
    assert count(services, models.AuditLog) == 0


# --- patients -----------------------------------------------------------------------------


def test_importing_the_same_file_again_skips_everyone_and_says_so(
    services: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, "p.csv", excel_csv(EXCEL_PATIENT_HEADER, excel_patients(20, seed=3)))
    do_import(services, "patients", path)
    again = do_import(services, "patients", path)
    assert again.ok and again.written and again.created == {}
    assert len(again.skipped) == 20 and "já cadastrado no EmDia" in again.skipped[0].reason
    assert count(services, models.Patient) == 20


def test_children_and_their_responsavel_come_in_linked_in_any_order(
    services: Services, tmp_path: Path
) -> None:
    mother, father = cpf(11), cpf(12)
    text = (
        "nome;cpf;cpf do responsável;nome do responsável\n"
        f"Pedro Souza Lima;;{mother};\n"  # his mother is further down the file
        f"Joana Souza Lima;{mother};;\n"
        f"Lia Souza Lima;;{father};Carlos Lima Neto\n"  # a responsável not in the file
    )
    path = write(tmp_path, "p.csv", text)
    report = do_import(services, "patients", path)
    assert report.ok, report.errors
    assert report.created == {"patients": 4}
    pedro = services.patients.get(services.patients.search("Pedro", 0, 1)[0].id)
    assert pedro.responsible is not None and pedro.responsible.name == "Joana Souza Lima"
    again = do_import(services, "patients", path)  # children without CPF are not duplicated
    assert again.created == {} and len(again.skipped) == 3


def test_the_same_person_twice_in_a_file_is_an_error(services: Services, tmp_path: Path) -> None:
    text = f"nome;cpf\nAna Lima Reis;{cpf(5)}\nAna L. Reis;{cpf(5, masked=False)}\n"
    report = do_import(services, "patients", write(tmp_path, "p.csv", text))
    assert [str(e) for e in report.errors] == [
        f"linha 3, coluna cpf: CPF {cpf(5)} repetido: a mesma pessoa já está na linha 2 deste "
        "arquivo."
    ]


def test_generations_of_responsaveis_are_linked_whatever_writes_them_first(
    services: Services, tmp_path: Path, computer_clock: ComputerClock
) -> None:
    services.patients.create(PatientForm(name="Rosa Maria Prado", cpf=cpf(30)))
    grandmother, mother, uncle = cpf(31), cpf(32), cpf(33)
    text = (
        "nome;cpf;cpf do responsável;nome do responsável;cidade\n"
        f"Bia Prado Luz;;{mother};;Campinas\n"  # her mother depends on her grandmother
        f"Clara Prado Luz;{mother};{grandmother};;Campinas\n"
        f"Dora Prado Luz;{grandmother};;;Campinas\n"
        f"Enzo Prado Luz;;{uncle};Caio Prado Neto;Sumaré\n"  # a responsável not in the file
        f"Fabi Prado Luz;;{uncle};;Sumaré\n"  # …registered by the line above
        f"Gui Prado Luz;;{cpf(30)};;Valinhos\n"  # a responsável already in EmDia
    )
    path = write(tmp_path, "p.csv", text)
    dry = do_import(services, "patients", path, dry=True)
    assert dry.ok and dry.created == {"patients": 7} and count(services, models.Patient) == 1
    report = do_import(services, "patients", path)
    assert report.ok, report.errors
    assert report.created == {"patients": 7}
    assert report.notes[5] == "novo paciente e novo responsável (Caio Prado Neto)"
    with services.patients.uow() as uow:
        people = {p.id: p for p in uow.session.scalars(select(models.Patient))}
        linked = {
            p.name: (people[p.responsible_id].name if p.responsible_id else None, p.city)
            for p in people.values()
        }
        confirmed = {p.name: p.data_confirmed_on for p in people.values()}
    assert linked == {
        "Rosa Maria Prado": (None, ""),
        "Bia Prado Luz": ("Clara Prado Luz", "Campinas"),
        "Clara Prado Luz": ("Dora Prado Luz", "Campinas"),
        "Dora Prado Luz": (None, "Campinas"),
        "Enzo Prado Luz": ("Caio Prado Neto", "Sumaré"),
        "Caio Prado Neto": (None, "Sumaré"),  # at the patient's address: letters reach him
        "Fabi Prado Luz": ("Caio Prado Neto", "Sumaré"),
        "Gui Prado Luz": ("Rosa Maria Prado", "Valinhos"),
    }
    # Spreadsheet data was never confirmed with the person; the new responsável's was typed
    # for them now, as at the desk.
    assert confirmed["Caio Prado Neto"] == computer_clock.day
    assert {confirmed[n] for n in linked if n not in ("Caio Prado Neto", "Rosa Maria Prado")} == {
        None
    }
    again = do_import(services, "patients", path)
    assert again.created == {} and len(again.skipped) == 6


def test_a_new_responsavel_without_a_name_is_refused_and_nothing_is_written(
    services: Services, tmp_path: Path
) -> None:
    text = (
        "nome;cpf;cpf do responsável;nome do responsável\n"
        f"Ana Lima Reis;{cpf(50)};;\n"
        f"Hugo Prado Luz;;{cpf(51)};\n"
    )
    report = do_import(services, "patients", write(tmp_path, "p.csv", text))
    assert [str(e) for e in report.errors] == [
        "linha 3, coluna nome do responsável: este CPF ainda não está cadastrado — informe o "
        "nome completo para cadastrar o responsável."
    ]
    assert not report.written and count(services, models.Patient) == 0


def test_bulk_rows_get_the_ids_returned_in_their_order(services: Services) -> None:
    services.patients.create(PatientForm(name="Rosa Maria Prado", cpf=cpf(30)))
    rows = [
        {"name": name, "name_search": name.lower(), "cpf": None}
        for name in ("Um Dois", "Tres Quatro", "Cinco Seis")
    ]
    with services.patients.uow() as uow:
        ids = uow.bulk.insert_returning_ids(models.Patient, rows)
        more = uow.bulk.insert_returning_ids(models.Patient, rows[:1])
        stored = dict(uow.session.execute(select(models.Patient.id, models.Patient.name)).all())
        uow.commit()
    assert [stored[i] for i in ids + more] == ["Um Dois", "Tres Quatro", "Cinco Seis", "Um Dois"]
    assert len(set(ids + more)) == 4


def test_a_formula_in_a_cell_is_stored_as_text_and_exported_neutralised(
    services: Services, tmp_path: Path
) -> None:
    text = f'nome;cpf;observações\nAna Lima;{cpf(7)};"=HYPERLINK(""http://x"";""clique"")"\n'
    do_import(services, "patients", write(tmp_path, "p.csv", text))
    [ana] = services.patients.search("Ana", 0, 1)
    assert services.patients.get(ana.id).data.notes == '=HYPERLINK("http://x";"clique")'
    services.transfer.export("patients", tmp_path / "out.csv")
    assert "'=HYPERLINK" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    services.transfer.export("patients", tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    notes = next(c for c in sheet[2] if str(c.value or "").startswith("'="))
    assert notes.data_type == "s"


# --- contracts with their history ---------------------------------------------------------

CONTRACTS = """\
contrato;cpf do paciente;nome do paciente;forma de pagamento;parcela;vencimento;valor;pago em;\
valor pago
C-7;{a};Ana Lima Reis;Boleto;0;10/10/2025;R$ 300,00;10/10/2025;
C-7;{a};Ana Lima Reis;Boleto;1;10/11/2025;R$ 200,00;07/11/2025;
C-7;{a};Ana Lima Reis;Boleto;2;10/12/2025;R$ 200,00;29/12/2025;
C-7;{a};Ana Lima Reis;Boleto;3;10/01/2026;R$ 200,00;12/01/2026;80,00
C-7;{a};Ana Lima Reis;Boleto;4;10/02/2026;R$ 200,00;;
C-7;{a};Ana Lima Reis;Boleto;5;10/04/2026;R$ 200,00;;
"""


def test_contracts_bring_their_paid_history_through_the_desk_rules(
    services: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, "c.csv", CONTRACTS.format(a=cpf(21)))
    report = do_import(services, "contracts", path)
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == {"patients": 1, "contracts": 1, "installments": 6, "payments": 4}
    [summary] = services.contracts.search("", 0, 5)
    view = services.contracts.get(summary.id)
    statuses = [(ln.number, ln.status.value, ln.paid_cents) for ln in view.lines]
    assert statuses == [
        (0, "pago", 30000),
        (1, "pago", 20000),
        (2, "pago_com_atraso", 20000),
        (3, "parcial", 8000),
        (4, "vencido", 0),
        (5, "a_vencer", 0),
    ]
    assert view.summary.method == "boleto"
    late = next(p for p in view.payments if p.paid_on == date(2025, 12, 29))
    assert late.amount_cents == 20000 and late.reference == "importado da planilha"
    with services.patients.uow() as uow:
        log = select(models.AuditLog.action, models.AuditLog.after).order_by(models.AuditLog.id)
        audit = list(uow.session.execute(log))
    assert [a for a, _ in audit] == ["contract.import", "payment.import", "import.contracts"]
    payments = audit[1][1]["payments"]
    assert [(p["paid_on"], p["amount_cents"], p["waive_charges"]) for p in payments] == [
        ("2025-10-10", 30000, True),
        ("2025-11-07", 20000, True),
        ("2025-12-29", 20000, True),
        ("2026-01-12", 8000, True),
    ]
    # Charges of a late parcela that the spreadsheet says was paid in full were waived, on
    # record (discount), not lost: the allocation is the desk's. Parcela 2 (200,00 due
    # Wednesday 10/12, paid 29/12: 19 days late): multa 2 % = 4,00 and juros 1 % a.m. ×
    # 19/30 = 1,2666… → 1,27, so 5,27. Parcela 3 is due Saturday 10/01, so Monday 12/01
    # is on time: nothing to waive.
    with services.patients.uow() as uow:
        discounts = uow.session.scalar(select(func.sum(models.PaymentAllocation.discount_cents)))
    assert discounts == 527


def test_contracts_imported_again_are_skipped(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", CONTRACTS.format(a=cpf(21)))
    do_import(services, "contracts", path)
    again = do_import(services, "contracts", path)
    assert again.ok and again.created == {}
    [skip] = again.skipped
    assert (
        skip.lines == (2, 3, 4, 5, 6, 7) and "contrato C-7 de Ana Lima Reis já está" in skip.reason
    )
    assert count(services, models.Contract) == 1 and count(services, models.Payment) == 4


def test_contract_file_errors_point_at_the_line_and_column(
    services: Services, tmp_path: Path
) -> None:
    text = (
        "contrato;cpf do paciente;parcela;vencimento;valor;pago em;valor pago\n"
        f"1;{cpf(30)};1;10/01/2026;100,00;;\n"  # unknown patient and no name to register
        f"2;{cpf(31)};1;31/02/2026;100,00;;\n"
        f"2;{cpf(31)};1;10/03/2026;100,00;;\n"
        f"3;{cpf(32)};1;10/01/2026;100,00;15/01/2026;150,00\n"
        f"3;{cpf(32)};2;10/02/2026;100,00;01/04/2026;\n"
    )
    for n in (31, 32):
        services.patients.create(PatientForm(name=f"Pessoa Número {n}", cpf=cpf(n)))
    report = do_import(services, "contracts", write(tmp_path, "c.csv", text))
    assert [str(e) for e in report.errors] == [
        f"linha 2, coluna cpf do paciente: {cpf(30)} não está cadastrado — importe os pacientes "
        "antes, ou preencha a coluna 'nome do paciente' para cadastrá-lo agora.",
        "linha 3, coluna vencimento: '31/02/2026' não é uma data válida.",
        "linha 4, coluna parcela: 1 repetida neste contrato (já está na linha 3).",
        "linha 5, coluna valor pago: R$ 150,00 é mais do que esta parcela devia em 15/01/2026 "
        "(R$ 102,10, com multa e juros).",
        "linha 6, coluna pago em: não pode ser no futuro — registre no dia.",
    ]
    assert count(services, models.Contract) == 0


def test_a_childs_contract_finds_the_child_by_name_under_the_responsavel(
    services: Services, tmp_path: Path
) -> None:
    mother = cpf(41)
    patients = f"nome;cpf;cpf do responsável\nAna Lima;{mother};\nBia Lima;;{mother}\n"
    assert do_import(services, "patients", write(tmp_path, "p.csv", patients)).ok
    text = (
        "contrato;cpf do paciente;nome do paciente;cpf do responsável;parcela;vencimento;valor\n"
        f"K1;;bia lima;{mother};1;10/04/2026;100,00\n"  # found by name, accents and case aside
        f"K2;;Caio Lima;{mother};1;10/04/2026;100,00\n"  # not registered under her
    )
    report = do_import(services, "contracts", write(tmp_path, "c.csv", text))
    assert [str(e) for e in report.errors] == [
        f"linha 3, coluna nome do paciente: Caio Lima, sem CPF e com responsável {mother}, "
        "não está cadastrado — importe os pacientes antes."
    ]
    text = text.splitlines(keepends=True)
    report = do_import(services, "contracts", write(tmp_path, "c.csv", "".join(text[:2])))
    assert report.ok and report.created == {"contracts": 1, "installments": 1}
    [summary] = services.contracts.search("", 0, 5)
    assert summary.patient_name == "Bia Lima"


def test_a_contract_in_emdia_is_found_by_its_number_for_patient_or_responsavel(
    services: Services, tmp_path: Path
) -> None:
    mother = cpf(43)
    patients = f"nome;cpf;cpf do responsável\nAna Lima;{mother};\nBia Lima;;{mother}\n"
    assert do_import(services, "patients", write(tmp_path, "p.csv", patients)).ok
    header = (
        "contrato;cpf do paciente;nome do paciente;cpf do responsável;parcela;vencimento;valor\n"
    )
    first = header + f"K1;;Bia Lima;{mother};1;10/04/2026;100,00\n"
    assert do_import(services, "contracts", write(tmp_path, "c.csv", first)).created == {
        "contracts": 1,
        "installments": 1,
    }
    [summary] = services.contracts.search("", 0, 5)
    again = header + (
        f"K1;{mother};Ana Lima;;1;10/04/2026;100,00\n"  # the responsável's, same number
        f"{summary.id};;Bia Lima;{mother};1;10/04/2026;100,00\n"  # EmDia's own number
        f"K2;{mother};Ana Lima;;1;10/04/2026;100,00\n"  # a new one
    )
    report = do_import(services, "contracts", write(tmp_path, "c.csv", again))
    assert report.ok, report.errors
    assert report.created == {"contracts": 1, "installments": 1}
    assert [s.lines for s in report.skipped] == [(2,), (3,)]
    assert all(f"(contrato nº {summary.id})" in s.reason for s in report.skipped)


def test_lines_without_numbers_are_numbered_by_due_date(services: Services, tmp_path: Path) -> None:
    services.patients.create(PatientForm(name="Ana Lima Reis", cpf=cpf(40)))
    text = (
        "CPF;Vencimento;Valor\n"
        f"{cpf(40, masked=False)};10/05/2026;100,00\n"
        f"{cpf(40)};10/04/2026;150,00\n"
    )
    report = do_import(services, "contracts", write(tmp_path, "c.csv", text))
    assert report.ok, report.errors
    [summary] = services.contracts.search("", 0, 5)
    lines = services.contracts.get(summary.id).lines
    assert [(ln.number, ln.due_date, ln.principal_cents) for ln in lines] == [
        (1, date(2026, 4, 10), 15000),
        (2, date(2026, 5, 10), 10000),
    ]
    # Without a contract number the same plan is still recognised on a second import.
    again = do_import(services, "contracts", write(tmp_path, "c.csv", text))
    assert again.created == {} and len(again.skipped) == 1


# --- payments -----------------------------------------------------------------------------


def contract_for(services: Services, tmp_path: Path) -> int:
    path = write(tmp_path, "c.csv", CONTRACTS.format(a=cpf(21)))
    do_import(services, "contracts", path)
    return services.contracts.search("", 0, 1)[0].id


def test_payments_are_applied_oldest_first_like_the_desk(
    services: Services, tmp_path: Path
) -> None:
    contract_id = contract_for(services, tmp_path)
    text = (
        "contrato;cpf;data do pagamento;valor;forma;referência\n"
        f"C-7;{cpf(21)};16/03/2026;150,00;PIX;E1\n"
        f";{cpf(21)};14/03/2026;20,00;dinheiro;\n"  # the only open contract of this CPF
    )
    report = do_import(services, "payments", write(tmp_path, "p.csv", text))
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == {"payments": 2}
    view = services.contracts.get(contract_id)
    first, second = sorted(
        (p for p in view.payments if p.reference != "importado da planilha"),
        key=lambda p: p.paid_on,
    )
    assert (first.amount_cents, first.installments) == (2000, (3,))  # 14/03 came in first
    assert second.installments == (3, 4)
    again = do_import(services, "payments", write(tmp_path, "p.csv", text))
    assert again.created == {} and len(again.skipped) == 2


def test_payment_problems_are_explained(services: Services, tmp_path: Path) -> None:
    contract_for(services, tmp_path)
    text = (
        "contrato;cpf;data do pagamento;valor;situação\n"
        f"C-9;{cpf(21)};16/03/2026;10,00;\n"
        f"C-7;{cpf(21)};16/03/2026;9.000,00;\n"
        f"C-7;{cpf(21)};16/03/2026;10,00;estornado\n"
        f";{cpf(99)};16/03/2026;10,00;\n"
    )
    report = do_import(services, "payments", write(tmp_path, "p.csv", text))
    messages = [str(e) for e in report.errors]
    assert messages[0] == "linha 2, coluna contrato: 'C-9' não existe de Ana Lima Reis."
    assert messages[1].startswith("linha 3, coluna valor: R$ 9.000,00 é maior que tudo")
    assert messages[2] == f"linha 5, coluna cpf: {cpf(99)} não está cadastrado no EmDia."
    assert [s.lines for s in report.skipped] == [(4,)]


def test_an_imported_payment_is_never_dated_before_its_contract(
    services: Services, tmp_path: Path
) -> None:
    # The desk's bound holds through the spreadsheet too: a payment dated before the contract
    # would be applied before anything fell due and wipe the multa and juros of late parcelas.
    contract_id = contract_for(services, tmp_path)
    before = services.contracts.get(contract_id)
    text = (
        "contrato;cpf;data do pagamento;valor\n"
        f"C-7;{cpf(21)};01/01/1990;200,00\n"
        f"C-7;{cpf(21)};16/03/2026;10,00\n"
    )
    report = do_import(services, "payments", write(tmp_path, "p.csv", text))
    assert not report.written
    [error] = [str(e) for e in report.errors]
    assert error.startswith("linha 2, coluna data do pagamento:"), error
    assert "anterior ao contrato (10/10/2025)" in error
    assert services.contracts.get(contract_id).lines == before.lines


def test_two_identical_payment_lines_are_a_likely_duplicate_until_confirmed(
    services: Services, tmp_path: Path
) -> None:
    contract_id = contract_for(services, tmp_path)
    paid_before = len(services.contracts.get(contract_id).payments)
    text = (
        "contrato;cpf;data do pagamento;valor;forma\n"
        f"C-7;{cpf(21)};16/03/2026;150,00;PIX\n"
        f"C-7;{cpf(21)};16/03/2026;150,00;PIX\n"
    )
    path = write(tmp_path, "p.csv", text)
    report = do_import(services, "payments", path)
    assert [str(e) for e in report.errors] == [
        "linha 3: Pagamento repetido? Esta linha é igual à linha 2 (contrato C-7, R$ 150,00 em "
        "16/03/2026). Se foram mesmo dois pagamentos, confirme que as linhas repetidas são "
        "pagamentos diferentes; senão, apague a repetida."
    ]
    assert report.has_duplicates and not report.written
    assert len(services.contracts.get(contract_id).payments) == paid_before  # nothing applied
    table = services.transfer.read(path)
    mapping = services.transfer.suggest("payments", table)
    confirmed = services.transfer.run("payments", table, mapping, confirm_duplicates=True)
    assert confirmed.written and confirmed.created == {"payments": 2}
    assert len(services.contracts.get(contract_id).payments) == paid_before + 2


# --- exports and the round trip -----------------------------------------------------------


def test_exports_open_in_excel_with_real_types(demo_services: Services, tmp_path: Path) -> None:
    transfer = demo_services.transfer
    patients = transfer.export("patients", tmp_path / "p.xlsx")
    installments = transfer.export("installments", tmp_path / "i.csv")
    payments = transfer.export("payments", tmp_path / "pg.xlsx")
    assert patients == count(demo_services, models.Patient)
    assert installments == count(demo_services, models.Installment)
    assert payments == count(demo_services, models.Payment)
    raw = (tmp_path / "i.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    sheet = load_workbook(tmp_path / "pg.xlsx").active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["data do pagamento"].is_date and row["valor"].number_format == "#,##0.00"
    assert any(c.value == "estorno" for c in sheet["K"])  # a bounced cheque's counter-entry


def test_installment_export_uses_the_updated_debt(demo_services: Services, tmp_path: Path) -> None:
    demo_services.transfer.export("installments", tmp_path / "i.xlsx")
    sheet = load_workbook(tmp_path / "i.xlsx").active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    late = next(r for r in rows if r["situação"] == "vencido")
    view = demo_services.contracts.get(late["nº no EmDia"])
    line = next(ln for ln in view.lines if ln.number == late["parcela"])
    assert round(late["total atualizado"] * 100) == line.total_cents
    assert late["dias de atraso"] == line.days_late > 0


def test_export_then_import_into_another_clinic_gives_the_same_data(
    demo_services: Services, fresh: Services, tmp_path: Path
) -> None:
    fresh.clinic.update({"state": "SP"}, None)  # same holidays: same effective due dates
    for suffix in (".csv",):
        demo_services.transfer.export("patients", tmp_path / f"p{suffix}")
        demo_services.transfer.export("installments", tmp_path / f"i{suffix}")
        assert do_import(fresh, "patients", tmp_path / f"p{suffix}").written
        report = do_import(fresh, "contracts", tmp_path / f"i{suffix}")
        assert report.written, [str(e) for e in report.errors[:5]]
        fresh.transfer.export("patients", tmp_path / f"p2{suffix}")
        fresh.transfer.export("installments", tmp_path / f"i2{suffix}")

    def table(path: Path, drop: set[str]) -> list[list[str]]:
        lines = [ln.split(";") for ln in path.read_text(encoding="utf-8-sig").splitlines()]
        keep = [i for i, h in enumerate(lines[0]) if h not in drop]
        return sorted([[cells[i] for i in keep] for cells in lines])

    ids = {"código", "dados confirmados em", "nº no EmDia"}
    assert table(tmp_path / "p2.csv", ids) == table(tmp_path / "p.csv", ids)
    # A parcela's payments come back as one (the principal paid, on the last date; charges of
    # the time waived on record): schedule, amounts, paid principal, dates and status are the
    # same; the interest still running on a partly paid late parcela may differ by centavos.
    money = {"multa", "juros", "correção", "total atualizado"}
    assert table(tmp_path / "i2.csv", ids | money) == table(tmp_path / "i.csv", ids | money)


def test_payments_export_imported_into_the_same_contracts_gives_the_same_debt(
    services: Services, fresh: Services, tmp_path: Path
) -> None:
    plan = CONTRACTS.format(a=cpf(21)).replace(";10/10/2025;\n", ";;\n")
    plan = "\n".join(ln.rsplit(";", 2)[0] + ";;" for ln in plan.strip().splitlines())
    for clinic in (services, fresh):
        assert do_import(clinic, "contracts", write(tmp_path, "plan.csv", plan)).written
    contract_id = services.contracts.search("", 0, 1)[0].id
    for day, amount in ((10, "300,00"), (12, "150,00"), (40, "210,00")):
        paid = date(2025, 10, 1).toordinal() + day
        services.payments.add(
            PaymentForm(
                contract_id,
                amount,
                date.fromordinal(paid).isoformat(),
                "pix",
                reason="comprovante antigo",
            )
        )
    bounced = services.payments.add(
        PaymentForm(contract_id, "50,00", "2026-02-01", "cheque", reason="comprovante antigo")
    )
    services.payments.reverse(bounced.payment_id, "cheque devolvido")
    services.transfer.export("payments", tmp_path / "pg.xlsx")
    report = do_import(fresh, "payments", tmp_path / "pg.xlsx")
    assert report.written and report.created == {"payments": 3}
    assert len(report.skipped) == 2  # the bounced cheque and its estorno
    fresh_id = fresh.contracts.search("", 0, 1)[0].id
    assert fresh.contracts.get(fresh_id).lines == services.contracts.get(contract_id).lines


# --- worker plumbing ----------------------------------------------------------------------


def test_cancel_writes_nothing_and_progress_is_reported(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", excel_csv(EXCEL_PATIENT_HEADER, excel_patients(600)))
    table = services.transfer.read(path)
    mapping = services.transfer.suggest("patients", table)
    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled) as caught:
        services.transfer.run(
            "patients",
            table,
            mapping,
            progress=lambda done, total: seen.append((done, total)),
            cancelled=lambda: len(seen) >= 1,
        )
    assert caught.value.message == "Importação cancelada: nada foi gravado."
    assert seen and seen[0][1] == 600
    assert count(services, models.Patient) == 0


def test_a_cancelled_export_leaves_no_file(demo_services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("i.xlsx", "i.csv"):
        with pytest.raises(Cancelled, match="nenhum arquivo foi gravado"):
            demo_services.transfer.export("installments", folder / name, cancelled=lambda: True)
    assert list(folder.iterdir()) == []


@pytest.mark.slow
def test_ten_thousand_lines_import_whole(services: Services, tmp_path: Path) -> None:
    """Many batches, one transaction: every line is written (how fast: bench/bench_import.py)."""
    path = write(tmp_path, "p.csv", excel_csv(EXCEL_PATIENT_HEADER, excel_patients(10_000, 9)))
    report = do_import(services, "patients", path)
    assert report.written and report.created == {"patients": 10_000}
    assert count(services, models.Patient) == 10_000


@pytest.mark.slow
def test_ten_thousand_installments_with_history_import_whole(
    services: Services, tmp_path: Path
) -> None:
    people = excel_patients(1_000, seed=4)
    lines = ["contrato;cpf;nome;parcela;vencimento;valor;pago em"]
    for i, person in enumerate(people):
        for n in range(1, 11):
            due = date(2025, 6, 10).toordinal() + 30 * n
            paid = date.fromordinal(due + (i % 7) - 2).strftime("%d/%m/%Y") if n < 8 else ""
            lines.append(
                f"K{i};{person[1]};{person[0]};{n};"
                f"{date.fromordinal(due).strftime('%d/%m/%Y')};123,45;{paid}"
            )
    path = write(tmp_path, "c.csv", "\n".join(lines))
    report = do_import(services, "contracts", path)
    assert report.written, [str(e) for e in report.errors[:5]]
    # 1,000 people × 10 parcelas of 123,45; parcelas 1–7 of each carry a "pago em".
    assert report.created["installments"] == 10_000 and report.created["payments"] == 7_000
    assert count(services, models.Installment) == 10_000
    assert count(services, models.Payment) == 7_000
