"""Spreadsheets as clinics really hand them over, for the import tests: what Excel in pt-BR saves
as "CSV (separado por vírgulas)" — ``;``, Windows-1252, CRLF, its own headers, masks or not."""

from __future__ import annotations

import random
from datetime import date, timedelta

FIRST = ("Ana", "Antônio", "Beatriz", "Caio", "Conceição", "Débora", "Edson", "Fátima",
         "Gonçalo", "Helena", "Inês", "João", "Júlia", "Luís", "Márcia", "Otávio", "Sebastião",
         "Thaís")  # fmt: skip
LAST = ("Araújo", "Brandão", "Conceição", "Damásio", "Estêvão", "Falcão", "Gusmão", "Leão",
        "Magalhães", "Nóbrega", "Simões", "Tavares", "Veríssimo", "da Silva",
        "dos Santos")  # fmt: skip
CITIES = ("Campinas", "Sumaré", "Paulínia", "Valinhos", "Hortolândia", "Jaguariúna")

EXCEL_PATIENT_HEADER = (
    "Nome;CPF;Data de Nascimento;Celular;E-mail;Endereço;Nº;Bairro;Cidade;UF;CEP;Observações"
)


def cpf(base: int, *, masked: bool = True) -> str:
    """A valid CPF from a 9-digit base (check digits computed as the Receita Federal does)."""
    digits = [int(c) for c in f"{base % 10**9:09d}"]
    if len(set(digits)) == 1:
        digits[-1] = (digits[-1] + 1) % 10
    for weight in (10, 11):
        total = sum(d * (weight - i) for i, d in enumerate(digits))
        rest = (total * 10) % 11
        digits.append(0 if rest == 10 else rest)
    bare = "".join(str(d) for d in digits)
    return f"{bare[:3]}.{bare[3:6]}.{bare[6:9]}-{bare[9:]}" if masked else bare


def excel_patients(n: int, seed: int = 1, start: int = 100_000_000) -> list[list[str]]:
    """``n`` valid people in the shapes Excel users type: masks or not, accents, blanks."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 25_000))
        phone = f"9{rng.choice('6789')}{rng.randint(0, 9_999_999):07d}"
        rows.append(
            [
                name,
                cpf(start + i * 7, masked=rng.random() < 0.6),
                birth.strftime("%d/%m/%Y"),
                f"(19) {phone[:5]}-{phone[5:]}" if rng.random() < 0.7 else f"19{phone}",
                f"pessoa{i}@exemplo.com.br" if rng.random() < 0.6 else "",
                f"Rua São João, {rng.randint(1, 999)}",
                str(rng.randint(1, 2000)),
                "Centro",
                rng.choice(CITIES),
                "SP",
                f"13{rng.randint(0, 999_999):06d}"[:8],
                "paga no débito; prefere manhã" if rng.random() < 0.1 else "",
            ]
        )
    return rows


def excel_csv(header: str, rows: list[list[str]]) -> bytes:
    """What Excel pt-BR writes: ``;``, CRLF, Windows-1252 (quotes only where needed)."""
    lines = [header]
    for row in rows:
        lines.append(";".join(f'"{c}"' if ";" in c or '"' in c else c for c in row))
    return ("\r\n".join(lines) + "\r\n").encode("windows-1252")
