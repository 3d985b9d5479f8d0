"""Astro islands: the data an Astro page ships for its interactive components.

An Astro page renders some components on the server and "hydrates" them in the browser from
``<astro-island props="...">``: a JSON object in Astro's own serialisation, where every value
is a pair ``[0, value]`` (a plain value or an object) or ``[1, [...]]`` (an array). OpenAI's
2026 pricing page keeps each price table's complete rows there. Numbers are read exactly
(:func:`scrapers.json_numbers.loads_exact`): a price never goes through a float.
"""

from __future__ import annotations

from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

from scrapers.json_numbers import JsonNumber, loads_exact, published_text


def island_props(island: Tag) -> object:
    """The decoded ``props`` of an ``<astro-island>``.

    Raises:
        ValueError: the attribute is not JSON (``json.JSONDecodeError`` is one) or not in
            Astro's serialisation.
    """
    return astro_value(loads_exact(str(island.get("props", "{}"))))


def astro_value(value: object) -> object:
    """Decode Astro's props serialisation: ``[0, v]`` is a value, ``[1, [...]]`` an array."""
    if isinstance(value, dict):
        return {key: astro_value(item) for key, item in value.items()}
    if not isinstance(value, list) or not value or len(value) > 2:
        raise ValueError(f"not an Astro-serialised value: {str(value)[:80]}")
    tag, *rest = value
    inner = rest[0] if rest else None
    if tag == 0:
        return astro_value(inner) if isinstance(inner, dict) else inner
    if tag == 1 and isinstance(inner, list):
        return [astro_value(item) for item in inner]
    raise ValueError(f"Astro value tag {tag!r} not known")


def visible_text(value: object) -> str:
    """Visible text of a props value (plain, a number, or ``{"__pricingHtml": ...}``)."""
    if isinstance(value, dict):
        for key in ("__pricingHtml", "__pricingTooltipHeading", "label"):
            if key in value:
                return visible_text(value[key])
        return str(value)
    if isinstance(value, str) and "<" in value:
        return BeautifulSoup(value, "lxml").get_text(" ", strip=True)
    return "" if value is None else published_text(value)


def price_like_values(props: dict) -> Iterator[object]:
    """Every number, or text with a "$", in a table's ``rows`` or ``groups``."""
    yield from _walk([props.get("rows", []), props.get("groups", [])])


def _walk(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif (isinstance(value, int | JsonNumber) and not isinstance(value, bool)) or (
        isinstance(value, str) and "$" in value
    ):
        yield value
