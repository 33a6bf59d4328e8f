"""The lawful-wording guard (CDC arts. 42 and 71; LGPD art. 11) over a table of texts: what must
be refused — also when disguised — and the ordinary collection words that must pass."""

from __future__ import annotations

import pytest

from app.domain.templates import template_problems, wording_problems

# (text, the word as typed that the refusal names, the law it cites)
MUST_REFUSE = [
    # intimidation: police, prison, court measures not under way
    ("Se não pagar vamos chamar a Polícia.", "Polícia", "art. 71"),
    ("Você pode ser preso.", "preso", "art. 71"),
    ("Um oficial de justiça irá até sua casa.", "oficial de justiça", "art. 71"),
    ("Seus bens vão a leilão.", "leilão", "art. 71"),
    # visits
    ("Nossa equipe vai até sua casa amanhã.", "vai até sua casa", "arts. 42 e 71"),
    ("Um cobrador na sua porta resolve.", "cobrador na sua porta", "arts. 42 e 71"),
    # ultimatums
    ("Última chance de evitar problemas.", "Última chance", "arts. 42 e 71"),
    ("Este é o último aviso.", "último aviso", "arts. 42 e 71"),
    ("Pague hoje, sob pena de medidas drásticas.", "sob pena de", "arts. 42 e 71"),
    # insults
    ("Olá {responsavel}, seu caloteiro!", "caloteiro", "art. 42"),
    ("Não seja sem-vergonha.", "sem-vergonha", "art. 42"),
    ("Seu nome sujo na praça.", "nome sujo", "art. 42"),
    # exposure; employers, family, neighbours, groups
    ("Vamos expor sua dívida nas redes sociais.", "expor", "arts. 42 e 71"),
    ("Vamos ligar para o seu empregador.", "empregador", "arts. 42 e 71"),
    ("Os vizinhos vão saber.", "vizinhos", "arts. 42 e 71"),
    ("Vamos avisar sua família.", "avisar sua família", "arts. 42 e 71"),
    ("Sua dívida vai para o grupo da escola.", "grupo da escola", "arts. 42 e 71"),
    ("Falaremos com o RH da empresa.", "RH da empresa", "arts. 42 e 71"),
    # a legal measure announced as certain, or a legal consequence in a reminder
    ("Seu nome será negativado amanhã.", "será negativado", "arts. 42 e 71"),
    ("Vamos te processar.", "Vamos te processar", "arts. 42 e 71"),
    ("Evite o SPC: pague hoje.", "SPC", "passos formais"),
    ("Senão o título vai a protesto em cartório.", "protesto", "passos formais"),
    # health data: procedures, appliances, brands, anatomy, conditions, exams
    ("Referente ao seu implante dentário.", "implante", "LGPD art. 11"),
    ("Parcela do tratamento de canal.", "tratamento", "LGPD art. 11"),
    ("Referente à sua coroa de porcelana.", "coroa", "LGPD art. 11"),
    ("A manutenção do aparelho ortodôntico está em aberto.", "aparelho ortodôntico", "LGPD"),
    ("Parcela do Invisalign.", "Invisalign", "LGPD art. 11"),
    ("A extração do siso foi um sucesso.", "extração", "LGPD art. 11"),
    ("Cuidamos da sua gengivite.", "gengivite", "LGPD art. 11"),
    ("Sua radiografia está pronta.", "radiografia", "LGPD art. 11"),
    ("Referente à sessão de botox.", "sessão", "LGPD art. 11"),
    # the tricks: case and accents, spaced out, hyphenated, dotted, digits and symbols,
    # other scripts, invisible characters, full-width letters
    ("Chamaremos a POLICIA.", "POLICIA", "art. 71"),
    ("Chamaremos a p o l í c i a.", "p o l í c i a", "art. 71"),
    ("Chamaremos a po-lí-cia.", "po-lí-cia", "art. 71"),
    ("Chamaremos a p.o.l.i.c.i.a.", "p.o.l.i.c.i.a", "art. 71"),
    ("Chamaremos a p0l1c1a.", "p0l1c1a", "art. 71"),
    ("Seu ca1oteiro!", "ca1oteiro", "art. 42"),
    ("Seu c@loteiro!", "c@loteiro", "art. 42"),
    ("Chamaremos a pоlíсia.", "pоlíсia", "art. 71"),  # Cyrillic о and с
    ("Chamaremos a πολ".replace("πολ", "pοlícia") + ".", "pοlícia", "art. 71"),  # Greek ο
    ("Chamaremos a po\u200blí\u00adcia.", "po\u200blí\u00adcia", "art. 71"),
    ("Chamaremos a ＰＯＬＩＣＩＡ.", "ＰＯＬＩＣＩＡ", "art. 71"),
    ("Referente ao seu im-plan-te.", "im-plan-te", "LGPD art. 11"),
]

MUST_PASS = [
    "Fale conosco pelo nosso canal de atendimento.",
    "Responda por este canal ou ligue para {telefone_clinica}.",
    "Clínica Coroa Dourada — Rua da Coroa, 10.",
    "Consulte o extrato das suas parcelas quando quiser.",
    "Pedimos o preenchimento do cadastro atualizado.",
    "Seus dados são usados só para a cobrança (tratamento de dados, LGPD).",
    "Desejamos a você e sua família um ótimo dia!",
    "Oi! Tudo bem? A parcela 3/12 de R$ 1.200,00 vence amanhã.",
    "Podemos combinar uma nova data ou parcelar o valor em 10x.",
    "Obrigado pelo pagamento de {data_pagamento}!",
    "Se já pagou, por favor desconsidere. Serviços odontológicos — {clinica}.",
    "Temos um procedimento de acordo simples: responda esta mensagem.",
]


@pytest.mark.parametrize(("text", "word", "law"), MUST_REFUSE, ids=[t for t, _, _ in MUST_REFUSE])
def test_the_guard_refuses_threats_exposure_legal_threats_and_health_data_even_disguised(
    text: str, word: str, law: str
) -> None:
    problems = wording_problems(text)
    assert problems, text
    message = problems[0].message
    assert message.startswith(f"“{word}” não pode ser usado:"), message
    assert law in message


@pytest.mark.parametrize("text", MUST_PASS)
def test_the_guard_lets_ordinary_collection_words_pass_judged_in_context(text: str) -> None:
    assert wording_problems(text) == []


def test_a_legal_consequence_may_be_informed_neutrally_only_in_a_formal_step() -> None:
    """CDC art. 71: informing is lawful in a letter; a reminder may not wave it."""
    neutral = (
        "Não havendo pagamento, o débito poderá ser incluído em cadastro de proteção ao "
        "crédito (SPC, Serasa), após comunicação prévia."
    )
    assert wording_problems(neutral, formal=True) == []
    assert [p.message.split(" não")[0] for p in wording_problems(neutral)] == [
        "“cadastro de proteção ao crédito”",
        "“SPC”",
        "“Serasa”",
    ]
    threat = "Seu nome será negativado se não pagar."
    assert wording_problems(threat, formal=True)  # a threat stays a threat in a letter


def test_placeholders_are_not_words_of_the_message() -> None:
    assert template_problems("Olá {responsavel}, {valor_atualizado} até {prazo}.") == []
