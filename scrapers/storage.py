"""What the object-storage and egress parsers share: names for storage classes and volume bands.

Storage and egress are priced by volume band ("first 50 TB / month", "next 450 TB", "over 500
TB"): each band is a tier, never folded into the list price. AWS states both ends of a band
(``beginRange`` / ``endRange``), GCS states them in words ("0 gibibyte to 10 tebibyte"), Azure
only its lower end (``tierMinimumUnits``). Every provider counts 1 TB as 1,024 GB here (AWS's
"first 50 TB" ends at 51,200 GB), so sizes are named in ``tb`` when they are whole multiples of
1,024 GB and in ``gb`` otherwise.

Band names: ``first-10tb`` (from 0 up to 10 TB), ``next-40tb`` (the 40 TB after 10 TB),
``over-150tb`` (everything above 150 TB); a price with one band from 0 without end has no band
name. A tier joins the parts that apply with ":" (storage class, location kind, destination,
band): ``standard:first-50tb``, ``hot-lrs:over-50tb``, ``worldwide:first-10tb``; with no part at
all it is ``standard``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from schemas.observation import STANDARD_TIER

GB_PER_TB = Decimal(1024)


def slug(text: str) -> str:
    """A published name as a tier part, lowercase, other characters as "-".

    "Standard - Infrequent Access" -> ``standard-infrequent-access``, "Hot LRS" -> ``hot-lrs``.
    """
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def size_label(gb: Decimal) -> str:
    """A volume in GB as a band name part: 51200 -> "50tb", 100 -> "100gb", 10340 -> "10340gb"."""
    if gb > 0 and gb % GB_PER_TB == 0:
        return f"{_plain(gb / GB_PER_TB)}tb"
    return f"{_plain(gb)}gb"


def band(begin: Decimal, end: Decimal | None) -> str:
    """The band from ``begin`` to ``end`` GB (``end`` None: no upper bound); "" for 0 to no end.

    Raises:
        ValueError: the band is empty or runs backwards.
    """
    if begin < 0 or (end is not None and end <= begin):
        raise ValueError(f"not a volume band: {begin} to {end}")
    if end is None:
        return "" if begin == 0 else f"over-{size_label(begin)}"
    if begin == 0:
        return f"first-{size_label(end)}"
    return f"next-{size_label(end - begin)}"


def band_from(minimum: Decimal) -> str:
    """The band that starts at ``minimum`` GB when only the start is published (Azure)."""
    if minimum < 0:
        raise ValueError(f"not a volume band start: {minimum}")
    return "" if minimum == 0 else f"over-{size_label(minimum)}"


def tier(*parts: str) -> str:
    """The tier of a price from its parts, in order, ":"-joined; ``standard`` when none."""
    found = [part for part in parts if part]
    return ":".join(found) if found else STANDARD_TIER


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 50 not 5E+1, 0.5 not 0.500."""
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
