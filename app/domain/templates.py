"""Message templates of the régua: placeholders, rendering, and the lawful-wording check.

A template is plain text with ``{placeholders}`` (the list below, each with what it becomes).
Rendering replaces the known ones with pt-BR values (``format_brl``, ``format_date``); nothing
else in the text is touched.

The check that runs when a template is saved refuses, with the word and the reason:

- threats and humiliation — CDC art. 42 (no ridicule, constraint or threat) and art. 71 (a
  crime: threats, false statements, exposing the consumer, interfering with work or rest);
- health data — LGPD art. 11: a message never names the treatment (the contract's description
  is internal); it says "atendimento" or "serviços odontológicos";
- placeholders that do not exist (a typo would reach the patient as ``{nme}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.text import fold
from app.errors import FieldError

# Placeholder → what it becomes (shown in the editor's help).
PLACEHOLDERS: dict[str, str] = {
    "responsavel": "primeiro nome de quem recebe a mensagem (o responsável financeiro, ou o "
    "próprio paciente)",
    "nome": "primeiro nome do paciente",
    "referente": '"ao seu atendimento" ou "ao atendimento de <paciente>" — nunca o tratamento',
    "parcela": 'a parcela, como "3/12" (e quantas mais estão em aberto)',
    "vencimento": "data de vencimento (dd/mm/aaaa)",
    "dias_atraso": "dias de atraso",
    "valor_original": "valor da(s) parcela(s) sem multa e juros",
    "valor_atualizado": "valor atualizado para pagar hoje (multa, juros e correção incluídos)",
    "pix_copia_e_cola": "código PIX copia e cola com o valor atualizado",
    "pix": "o mesmo que {pix_copia_e_cola} (nome curto)",
    "chave_pix": "chave PIX da clínica",
    "data_pagamento": "data do pagamento (mensagem de agradecimento)",
    "aviso_remocao": "aviso de retirada da negativação, quando houver (agradecimento)",
    "prazo": "prazo de 7 dias para pagamento ou contato (dd/mm/aaaa)",
    "telefone": "telefone de quem recebe (roteiro de ligação)",
    "clinica": "nome da clínica",
    "telefone_clinica": "telefone da clínica",
    "assinatura": "identificação da clínica: razão social, CNPJ/CPF e telefone (CDC art. 42-A)",
    "lista_parcelas": "quem paga por mais de um paciente: as parcelas de cada um e o total "
    "(entra sozinho depois do primeiro parágrafo quando o texto não o traz)",
}

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def placeholders_in(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def render(template: str, values: Mapping[str, str]) -> str:
    """Replace the known ``{placeholders}``; anything else stays as typed."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _PLACEHOLDER.sub(substitute, template)


# --- lawful wording -------------------------------------------------------------------------


@dataclass(frozen=True)
class WordingRule:
    pattern: re.Pattern[str]  # over the accent-free, lower-case text
    why: str


def _rule(words: str, why: str) -> WordingRule:
    return WordingRule(re.compile(rf"\b(?:{words})\b"), why)


_INSULT = (
    "ofende o paciente. O Código de Defesa do Consumidor (art. 42) proíbe expor quem deve ao "
    "ridículo na cobrança; use um tom cordial"
)
_POLICE = (
    "é ameaça: dívida não dá cadeia (Constituição, art. 5º, LXVII) e ameaçar na cobrança é "
    "crime (CDC art. 71)"
)
_EXPOSURE = (
    "ameaça expor a dívida a outras pessoas — a cobrança não pode expor o consumidor ao ridículo "
    "nem constrangê-lo (CDC arts. 42 e 71)"
)
_THIRD_PARTIES = (
    "envolve terceiros (trabalho, vizinhos, família): falar da dívida com eles ou interferir no "
    "trabalho ou no descanso é proibido (CDC arts. 42 e 71)"
)
_COURT = (
    "ameaça medidas judiciais que não estão em curso; afirmações falsas ou intimidatórias na "
    "cobrança são crime (CDC art. 71). Se houver processo, quem fala dele é o advogado"
)
_HEALTH = (
    "revela dado de saúde. A mensagem não pode dizer qual foi o tratamento (LGPD art. 11); "
    'use "atendimento" ou "serviços odontológicos"'
)

WORDING_RULES: tuple[WordingRule, ...] = (
    _rule(
        r"calot\w*|caloteir\w*|ma pagador\w*|mau pagador\w*|velhac\w*|vagabund\w*|safad\w*"
        r"|pilantra\w*|golpista\w*|estelionat\w*|sem vergonha|vigarist\w*|trambiqueir\w*"
        r"|picaret\w*|desonest\w*|irresponsave\w*",
        _INSULT,
    ),
    _rule(
        r"policia\w*|delegacia\w*|delegad[oa]s?|boletim de ocorrencia|prisao|pres[oa]s?|cadeia"
        r"|crime\w*|criminal\w*|algemad\w*|denunciar\w*|denunciaremos",
        _POLICE,
    ),
    _rule(
        r"expor\w*|expost\w*|exposicao|expomos|divulga\w*|redes sociais|facebook|instagram|mural"
        r"|lista de (?:devedores|caloteiros|inadimplentes)|publicamente|vergonha\w*"
        r"|humilha\w*|constrang\w*|ridicul\w*|todo mundo vai saber|todos vao saber",
        _EXPOSURE,
    ),
    _rule(
        r"empregador\w*|patrao|patroa|seu chefe|sua chefe|local de trabalho|no seu trabalho"
        r"|seu emprego|vizinh\w*|familiares|seus parentes",
        _THIRD_PARTIES,
    ),
    _rule(
        r"oficial de justica|penhor\w*|bloqueio de bens|bloquear (?:seus )?bens"
        r"|tomar (?:seus|sua|seu) \w+|perder (?:sua|seu|a|o) (?:casa|carro|emprego)"
        r"|busca e apreensao|leilao",
        _COURT,
    ),
    _rule(
        r"tratamentos?|implantes?|ortodont\w*|aparelhos? (?:dentari\w*|ortodontic\w*|fixo|movel)"
        r"|protese\w*|dentadura\w*|extracao|extracoes|clareamento\w*|cirurgi\w*|restauraca\w*"
        r"|restauracoes|facetas?|lentes de contato dental|canal dentario|tratamento de canal"
        r"|endodont\w*|periodont\w*|limpeza|dentes?|diagnostic\w*|doenca\w*|exames?"
        r"|procedimentos?|consultas?|botox|harmonizacao\w*|fisioterapi\w*|sessao|sessoes",
        _HEALTH,
    ),
)


def _as_typed(original: str, folded_start: int, folded_end: int) -> str:
    """The words as the user typed them (``fold`` keeps one character per letter, so the
    positions match once white space is collapsed the same way)."""
    collapsed = " ".join(original.split())
    return collapsed[folded_start:folded_end]


def wording_problems(template: str, field: str = "template") -> list[FieldError]:
    """Every unlawful word or phrase in ``template``, each with its reason (pt-BR)."""
    problems: list[FieldError] = []
    folded = fold(template)
    seen: set[str] = set()
    for rule in WORDING_RULES:
        for match in rule.pattern.finditer(folded):
            word = _as_typed(template, match.start(), match.end()) or match.group(0)
            if fold(word) in seen:
                continue
            seen.add(fold(word))
            problems.append(FieldError(field, f"“{word}” não pode ser usado: {rule.why}."))
    return problems


def placeholder_problems(template: str, field: str = "template") -> list[FieldError]:
    unknown = sorted({p for p in placeholders_in(template) if p not in PLACEHOLDERS})
    if not unknown:
        return []
    names = ", ".join("{" + p + "}" for p in unknown)
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    return [FieldError(field, f"{names} não existe(m) nos modelos de mensagem. Use: {known}.")]


def template_problems(template: str, field: str = "template") -> list[FieldError]:
    """What the editor shows (and refuses on save): empty text, unknown placeholders, unlawful
    wording."""
    if not template.strip():
        return [FieldError(field, "Texto da mensagem: obrigatório.")]
    return placeholder_problems(template, field) + wording_problems(template, field)
