"""Message templates of the régua: placeholders, rendering, and the lawful-wording check.

A template is plain text with ``{placeholders}`` (the list below, each with what it becomes).
Rendering replaces the known ones with pt-BR values (``format_brl``, ``format_date``); nothing
else in the text is touched.

The check that runs when a template is saved (in the window and by ``emdia regua set``) refuses,
with the word as typed and the reason:

- threats and humiliation — CDC art. 42 (no ridicule, constraint or threat) and art. 71 (a
  crime: threats, false statements, exposing the consumer, interfering with work or rest):
  insults, police and prison, court measures not under way, exposure, employers, family,
  neighbours and groups, visits, ultimatums, a legal measure announced as certain;
- legal consequences (negativação, protesto, ação judicial) outside a formal step: a letter or
  the gestor's step may inform them in neutral words, a reminder never;
- health data — LGPD art. 11: a message never names the treatment, an appliance, a part of the
  body, a condition or an exam (the contract's description is internal); it says
  "atendimento" or "serviços odontológicos";
- placeholders that do not exist (a typo would reach the patient as ``{nme}``).

The text is normalised before it is read, so no spelling trick gets a word through
(``wording_problems``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

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
    "assinatura": "identificação da clínica: razão social, CNPJ/CPF, endereço e telefone "
    "(CDC art. 42-A)",
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
#
# The check reads the text the way a person reads it, whatever tricks were used to slip a word
# past a list: Unicode compatibility forms (NFKC: full-width letters, ligatures), invisible
# characters (zero-width spaces and joiners, soft hyphens), accents and case, letters of other
# scripts that look Latin (Cyrillic "о", Greek "ο"), digits and symbols used as letters ("p0l1c1a",
# "c@loteiro"), words spelled out letter by letter ("p o l í c i a") or cut by hyphens or dots
# ("po-lí-cia", "p.o.l.i.c.i.a"). Every list entry says why the word is refused; words that are
# also ordinary collection words ("canal de atendimento", a "Coroa" in a name, "consulta ao
# SPC") are judged in their context.


@dataclass(frozen=True)
class WordingRule:
    pattern: re.Pattern[str]  # over the normalised text (see ``_variants``)
    why: str
    # The ordinary uses of an ambiguous word: a match inside one of these is not refused.
    unless: re.Pattern[str] | None = None
    # A legal consequence that may be *informed* — neutrally — in a formal step (a letter, the
    # gestor's negativação), never in a reminder.
    formal_ok: bool = False


def _compile(words: str) -> re.Pattern[str]:
    """Words separated by ``|``; a space inside a phrase also matches a hyphen, a line break or
    nothing ("sem vergonha", "sem-vergonha", "semvergonha")."""
    return re.compile(r"\b(?:" + words.replace(" ", r"[\s\-]*") + r")\b")


def _rule(words: str, why: str, unless: str = "", formal_ok: bool = False) -> WordingRule:
    return WordingRule(_compile(words), why, _compile(unless) if unless else None, formal_ok)


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
    "envolve terceiros (trabalho, vizinhos, família, grupos): falar da dívida com eles ou "
    "interferir no trabalho ou no descanso é proibido (CDC arts. 42 e 71)"
)
_VISIT = (
    "ameaça ir atrás da pessoa (em casa, no trabalho): é constrangimento e interfere no "
    "trabalho e no descanso (CDC arts. 42 e 71)"
)
_ULTIMATUM = (
    "é ultimato que pressiona pelo medo; diga o prazo e as opções de pagamento, sem ameaça "
    "(CDC arts. 42 e 71)"
)
_COURT = (
    "ameaça medidas judiciais que não estão em curso; afirmações falsas ou intimidatórias na "
    "cobrança são crime (CDC art. 71). Se houver processo, quem fala dele é o advogado"
)
_CERTAIN = (
    "anuncia uma medida legal como certa, em tom de ameaça; informe com palavras neutras e "
    "verdadeiras, com o prazo e o direito de pagar antes (“o débito poderá ser incluído…”) — "
    "CDC arts. 42 e 71"
)
_LEGAL = (
    "anuncia uma consequência legal (negativação, protesto, ação judicial): ela só pode ser "
    "informada nos passos formais — notificação, aviso e negativação, por carta ou pelo "
    "gestor —, com palavras neutras e verdadeiras, nunca num lembrete (CDC arts. 42 e 71)"
)


def _health(what: str) -> str:
    return (
        f"revela dado de saúde ({what}). A mensagem não pode dizer qual foi o tratamento (LGPD "
        'art. 11); use "atendimento" ou "serviços odontológicos"'
    )


WORDING_RULES: tuple[WordingRule, ...] = (
    # Insults and humiliating labels.
    _rule(
        r"calot\w*|caloteir\w*|ma pagador\w*|mau pagador\w*|maus pagadores|velhac\w*"
        r"|vagabund\w*|safad\w*|pilantra\w*|golpista\w*|estelionat\w*|sem vergonha"
        r"|vigarist\w*|trambiqueir\w*|picaret\w*|desonest\w*|irresponsave\w*|ladra?o|ladroes"
        r"|ladra|mentiros\w*|aproveitador\w*|parasita\w*|canalha\w*|trapaceir\w*|descarad\w*"
        r"|cara de pau|mau carater|sem carater|otari\w*|idiota\w*|imbecil\w*|folgad\w*"
        r"|nome sujo|sujar (?:o |seu |sua )?nome",
        _INSULT,
    ),
    # Police and prison.
    _rule(
        r"policia\w*|delegacia\w*|delegad[oa]s?|viatura\w*|boletim de ocorrencia|prisao|pres[oa]s?"
        r"|prender\w*|cadeia|xadrez|crime\w*|criminal\w*|algemad\w*|denunciar\w*|denunciaremos",
        _POLICE,
    ),
    # Court measures that are not under way.
    _rule(
        r"oficial de justica|penhor\w*|bloqueio de bens|bloquear (?:seus )?bens"
        r"|tomar (?:seus|sua|seu) \w+|perder (?:sua|seu|a|o) (?:casa|carro|emprego)"
        r"|busca e apreensao|leilao",
        _COURT,
    ),
    # Exposure to other people.
    _rule(
        r"expor\w*|expost\w*|exposicao|expomos|divulga\w*|redes sociais|facebook|instagram|mural"
        r"|lista (?:de )?(?:devedores|caloteiros|inadimplentes|negra)|quadro de devedores"
        r"|publicamente|publicar\w*|publicaremos|postar\w*|outdoor|vergonha\w*|humilha\w*"
        r"|constrang\w*|ridicul\w*|todo mundo (?:vai )?saber|todos vao saber|vizinhanca",
        _EXPOSURE,
    ),
    # Employers, family, neighbours, groups.
    _rule(
        r"empregador\w*|patrao|patroa|seu chefe|sua chefe|local de trabalho|no seu trabalho"
        r"|seu emprego|recursos humanos|rh da (?:sua )?empresa|colegas de trabalho|vizinh\w*"
        r"|familiares|seus parentes|sindico|referencias pessoais"
        r"|grupos? (?:da|de|do) (?:familia|whatsapp|escola|igreja|condominio|trabalho|bairro)"
        r"|(?:contatar|contactar|avisar|ligar para|ligaremos para|informar|falar com|procurar"
        r"|comunicar|acionar) (?:a |o |os |as )?(?:sua |seu |seus |suas )?(?:familia|parentes"
        r"|amigos|conhecidos|esposa|marido|pais|filhos|colegas|igreja|escola)",
        _THIRD_PARTIES,
    ),
    # Visits.
    _rule(
        r"(?:visita|visitar|visitaremos|iremos|vamos|vai|ira|passaremos) (?:a |ate |na |em )?"
        r"(?:sua |seu )?(?:casa|residencia|endereco|trabalho|empresa)"
        r"|visita (?:de cobranca|domiciliar)|bater (?:na|a) sua porta|(?:ir|iremos|vamos) ate voce"
        r"|cobrador\w* (?:na|a|ate|em) sua (?:porta|casa)",
        _VISIT,
    ),
    # Ultimatums.
    _rule(
        r"ultima chance|ultima oportunidade|ultimo aviso|sob pena de|antes que seja tarde"
        r"|(?:vai|ira) se arrepender|nao diga que nao (?:foi )?avisad\w*"
        r"|consequencias (?:graves|serias|severas|desagradaveis)"
        r"|medidas (?:drasticas|severas|energicas|duras|mais serias)|agora ou nunca",
        _ULTIMATUM,
    ),
    # A legal measure announced as certain: refused in every step.
    _rule(
        r"(?:vamos|iremos|vou|vai|ira|irao|sera|serao) (?:te |lhe |o |a |voce )?"
        r"(?:ser )?(?:processar|processad\w*|negativar|negativad\w*|protestar|protestad\w*"
        r"|acionar|acionad\w*|executar|executad\w*|colocar (?:o |seu )?nome|incluir (?:o |seu )"
        r"?nome|por (?:o |seu )?nome)",
        _CERTAIN,
    ),
    # Legal consequences: informed in formal steps only.
    _rule(
        r"negativa\w*|cadastros? (?:de|dos) (?:inadimplentes|devedores|protecao ao credito)"
        r"|protecao ao credito|spc|serasa|scpc|protest\w*|cartorio\w*|judicia\w*|justica"
        r"|juiz\w*|tribunal\w*|advogad\w*|juridic\w*|process[oa]\w*|execuca?o|execucoes"
        r"|acao (?:de cobranca|de execucao|monitoria)|restricao (?:no|em seu|ao) (?:seu )?cpf",
        _LEGAL,
        formal_ok=True,
    ),
    # Health data — procedures.
    _rule(
        r"tratamentos?|implantes?|implantodont\w*|proteses?|dentaduras?|facetas?"
        r"|lentes? de (?:contato dent\w*|porcelana|resina)|clareamento\w*|restauraca\w*"
        r"|restauracoes|obturac\w*|canal dentario|tratamento de canal|endodont\w*|extracao"
        r"|extracoes|exodont\w*|cirurgi\w*|enxerto\w*|raspage\w*|profilaxia|limpeza\w*"
        r"|fluor\w*|selantes?|periodont\w*|ortodont\w*|harmonizacao\w*|botox|toxina botulinica"
        r"|preenchimento\w*|bichectomia|lipo\w*|rinoplastia|peeling|fisioterapi\w*"
        r"|psicoterapi\w*|terapias?|sessao|sessoes|procedimentos?|consultas?|internac\w*"
        r"|anestesi\w*|vacina\w*|medicament\w*|remedios?|receita medica|pos operatorio"
        r"|moldage\w*|escaneamento\w*",
        _health("um procedimento"),
        unless=r"tratamento (?:de|dos) (?:seus )?dados|limpeza (?:do|de|do seu) nome"
        r"|preenchimento (?:de|do|da|dos) (?:formulario|cadastro|dados|ficha)"
        r"|procedimentos? (?:de|da|do|para) (?:cobranca|pagamento|negociacao|acordo|retirada)"
        r"|consultas? (?:ao|a|de|do|no) (?:spc|serasa|cpf|credito|saldo|extrato|cadastro)",
    ),
    # Health data — appliances, and the brand names of aligners.
    _rule(
        r"aparelhos? (?:dentari\w*|ortodontic\w*|fixo|movel|dental|nos dentes|de dente)"
        r"|alinhador\w*|brackets?|braquetes?|contencao ortodontic\w*|placa de (?:bruxismo"
        r"|contencao|mordida)|placa miorrelaxante|ponte (?:movel|fixa|dentaria|sobre implante)"
        r"|coroas?|invisalign|clear correct|suresmile|angel align\w*|smile direct\w*",
        _health("um aparelho ou uma prótese"),
        # "Coroa" in a name (a street, the clinic) is not a crown: see ``_crown_in_a_name``.
        unless=r"coroas? (?:de (?:natal|flores|rei|rainha))",
    ),
    # Health data — anatomy.
    _rule(
        r"dentes?|dentari[oa]s?|molar\w*|pre molar\w*|incisiv\w*|siso|gengiva\w*"
        r"|raiz(?:es)? (?:do dente|dentaria\w*)|mandibula\w*|maxila\w*|arcada\w*|mordida"
        r"|articulacao temporomandibular|canal",
        _health("uma parte do corpo"),
        unless=r"canal (?:de|do|da|dos|das) (?:atendimento|comunicacao|contato|pagamento"
        r"|relacionamento|cobranca|whatsapp|ouvidoria|vendas|suporte)|canal oficial"
        r"|(?:este|esse|neste|nesse|pelo|por este|por esse|mesmo|nosso|outro|um) canal",
    ),
    # Health data — conditions.
    _rule(
        r"caries?|abscesso\w*|bruxismo|gengivite|periodontite|halitose|dor(?:es)? de dente"
        r"|infecca?o\w*|infeccoes|inflamac\w*|doencas?|cancer|tumor\w*|diabet\w*|hipertens\w*"
        r"|hiv|aids|gravidez|gestante|gravida|depressao|fratura\w*|lesao|lesoes|alergi\w*",
        _health("uma doença ou condição"),
    ),
    # Health data — exams and records.
    _rule(
        r"exames?|raio x|radiografi\w*|tomografi\w*|ultrassom\w*|ultrassonografi\w*"
        r"|ressonancia|biopsia\w*|hemograma|laudos?|diagnostic\w*|prontuario\w*|atestado\w*",
        _health("um exame ou um registro clínico"),
    ),
)

# Characters people do not see: a word cut by them still reads as the word.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\ufeff"
)
# Letters of other scripts that look like Latin ones (after lower-casing).
_LOOKALIKE = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ӏ": "l", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o", "μ": "u",
    # Latin look-alikes
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h",
}  # fmt: skip
# Digits and symbols used as letters — only inside a word ("p0l1c1a"), never in "3/12".
_AS_LETTER = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
              "!": "i", "|": "l"}  # fmt: skip
_SEPARATORS = "-._*·•'’‐‑‒–—~+"

Chars = list[tuple[str, int]]  # normalised characters, each with its index in the typed text


def _normalised(text: str, one: str) -> Chars:
    """NFKC, no invisible characters, accents folded, lower case, look-alikes mapped, white
    space collapsed; ``one`` is what "1" and "|" stand for ("i" or "l")."""
    out: Chars = []
    for index, typed in enumerate(text):
        for char in unicodedata.normalize("NFKC", typed):
            if char in _INVISIBLE or unicodedata.category(char) == "Cf":
                continue
            for bare in unicodedata.normalize("NFD", char):
                if unicodedata.combining(bare):
                    continue
                for low in bare.casefold():
                    low = " " if low.isspace() else _LOOKALIKE.get(low, low)
                    if low == " " and out and out[-1][0] == " ":
                        continue
                    out.append((low, index))
    letters = [c for c, _ in out]
    for i, (char, index) in enumerate(out):
        if char in _AS_LETTER:
            before = letters[i - 1] if i > 0 else ""
            after = letters[i + 1] if i + 1 < len(letters) else ""
            # A digit next to a letter, a symbol between two ("c@loteiro", not "chance!").
            inside = before.isalpha() and after.isalpha()
            if inside or (char.isdigit() and (before.isalpha() or after.isalpha())):
                letter = one if char in "1|" else _AS_LETTER[char]
                out[i] = (letter, index)
                letters[i] = letter
    return out


def _joined(chars: Chars, keep_first: bool) -> Chars:
    """Words cut by separators ("po-lí-cia", "p.o.l.i.c.i.a") and words spelled out letter by
    letter ("p o l í c i a") joined back; ``keep_first`` leaves the first letter of a spelled
    run apart (it may be a word of its own: "a p o l í c i a")."""
    text = "".join(c for c, _ in chars)
    drop: set[int] = set()
    for match in re.finditer(rf"(?<=[a-z])[{re.escape(_SEPARATORS)}]+(?=[a-z])", text):
        drop.update(range(match.start(), match.end()))
    for match in re.finditer(r"(?<![a-z0-9])(?:[a-z] ){2,}[a-z](?![a-z0-9])", text):
        first = match.start() + (2 if keep_first else 0)
        drop.update(i for i in range(first, match.end()) if text[i] == " ")
    return [c for i, c in enumerate(chars) if i not in drop]


def _variants(text: str) -> list[Chars]:
    """The readings of the text the rules are matched against."""
    found: list[Chars] = []
    for one in ("i", "l"):
        base = _normalised(text, one)
        found += [base, _joined(base, False), _joined(base, True)]
    return found


def _without_placeholders(template: str) -> str:
    """Placeholders are not words of the message: blanked, keeping every position."""
    return _PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), template)


def _crown_in_a_name(typed: str, start: int) -> bool:
    """ "Coroa" written with a capital inside a sentence is a name (a street, a clinic)."""
    before = typed[:start].rstrip()
    return typed[start : start + 1].isupper() and bool(before) and before[-1] not in ".!?:\n"


def wording_problems(
    template: str, field: str = "template", *, formal: bool = False
) -> list[FieldError]:
    """Every unlawful word or phrase in ``template``, each with its reason (pt-BR), as typed.

    ``formal``: a letter or the gestor's step, where a legal consequence may be informed
    neutrally (never in a message to the patient's phone or e-mail)."""
    typed = _without_placeholders(template)
    found: list[tuple[int, int, int, str]] = []  # (start, end, rule, word) in the typed text
    for number, rule in enumerate(WORDING_RULES):
        if formal and rule.formal_ok:
            continue
        for chars in _variants(typed):
            text = "".join(c for c, _ in chars)
            allowed = [m.span() for m in rule.unless.finditer(text)] if rule.unless else []
            for match in rule.pattern.finditer(text):
                a, b = match.span()
                if any(x <= a and b <= y for x, y in allowed):
                    continue
                start, end = chars[a][1], chars[b - 1][1] + 1
                if match.group(0).startswith("coroa") and _crown_in_a_name(typed, start):
                    continue
                found.append((start, end, number, re.sub(r"[^a-z]", "", match.group(0))))
    # One problem per place — the longest reading of it —, each word once, in reading order.
    problems: list[FieldError] = []
    taken: list[tuple[int, int]] = []
    seen: set[tuple[int, str]] = set()
    for start, end, number, bare in sorted(found, key=lambda f: (f[0], f[0] - f[1], f[2])):
        if any(start < y and x < end for x, y in taken) or (number, bare) in seen:
            continue
        taken.append((start, end))
        seen.add((number, bare))
        word = template[start:end].strip() or bare
        why = WORDING_RULES[number].why
        problems.append(FieldError(field, f"“{word}” não pode ser usado: {why}."))
    return problems


def placeholder_problems(template: str, field: str = "template") -> list[FieldError]:
    unknown = sorted({p for p in placeholders_in(template) if p not in PLACEHOLDERS})
    if not unknown:
        return []
    names = ", ".join("{" + p + "}" for p in unknown)
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    return [FieldError(field, f"{names} não existe(m) nos modelos de mensagem. Use: {known}.")]


def template_problems(
    template: str, field: str = "template", *, formal: bool = False
) -> list[FieldError]:
    """What the editor shows (and refuses on save): empty text, unknown placeholders, unlawful
    wording (``formal``: a letter or the gestor's step — see ``wording_problems``)."""
    if not template.strip():
        return [FieldError(field, "Texto da mensagem: obrigatório.")]
    return placeholder_problems(template, field) + wording_problems(template, field, formal=formal)
