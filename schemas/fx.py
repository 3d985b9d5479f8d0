"""A published reference exchange rate: what crosses from the FX source to the warehouse.

Rates are kept as the publisher quotes them. The ECB quotes every currency as units per 1 EUR
("1 EUR = 7.4326 CNY"), so a USD value needs the cross rate through the euro:
``USD per unit of X = USD[d] / X[d]`` (fx/PROVENANCE.md in the shared data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# The quote currency of the ECB reference rates: every rate is units of a currency per 1 EUR.
EUR = "EUR"
USD = "USD"


@dataclass(frozen=True)
class FxRate:
    """One reference rate of one currency on one publication date.

    Attributes:
        source: The FX source's name (``ecb_eurofxref``).
        rate_date: The publisher's reference date (ECB: the concertation day, ~14:15 CET).
        currency: ISO 4217 code of the quoted currency.
        per_eur: Units of ``currency`` per 1 EUR, exactly as published (``7.4326``).
        published_text: The value as it stood in the file.
        source_url: The page it was read from.
        page_hash: sha256 of that page's body (the raw archive's address).
    """

    source: str
    rate_date: date
    currency: str
    per_eur: Decimal
    published_text: str
    source_url: str
    page_hash: str
