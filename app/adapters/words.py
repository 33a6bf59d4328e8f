"""An amount in words, as receipts, contracts and the termo de confissão write it next to the
figures (``num2words``, pt_BR): ``15050`` → ``cento e cinquenta reais e cinquenta centavos``."""

from __future__ import annotations

from decimal import Decimal


def amount_in_words(cents: int) -> str:
    """``15050`` → ``cento e cinquenta reais e cinquenta centavos``; ``50`` → ``cinquenta
    centavos``."""
    from num2words import num2words  # loaded with the first document that needs it

    if cents < 0:
        raise ValueError("amount must not be negative")
    if cents < 100:
        if cents == 0:
            return "zero reais"
        words = num2words(cents, lang="pt_BR")
        return f"{words} centavo" + ("s" if cents > 1 else "")
    return str(num2words(Decimal(cents) / 100, lang="pt_BR", to="currency"))
