"""Find every source module under scrapers/sources: adding a source is adding one module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import cache

import scrapers.sources
from scrapers.base import Source


@cache
def all_sources() -> dict[str, Source]:
    """Every source, by name, in a stable order."""
    found: dict[str, Source] = {}
    for module_info in sorted(
        pkgutil.iter_modules(scrapers.sources.__path__), key=lambda m: m.name
    ):
        module = importlib.import_module(f"scrapers.sources.{module_info.name}")
        source = getattr(module, "SOURCE", None)
        if not isinstance(source, Source):
            continue
        if source.name in found:
            raise RuntimeError(f"two sources are named {source.name!r}")
        found[source.name] = source
    return found


def undeclared_kinds(sources: Iterable[Source]) -> list[str]:
    """The names of sources that do not declare their kind (tests/test_source_kinds.py)."""
    return [source.name for source in sources if source.kind is None]


def select_sources(names: list[str] | None) -> list[Source]:
    """The named sources (all when ``names`` is empty); an unknown name is an error."""
    sources = all_sources()
    if not names:
        return list(sources.values())
    unknown = [name for name in names if name not in sources]
    if unknown:
        raise KeyError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sources)}")
    return [sources[name] for name in names]
