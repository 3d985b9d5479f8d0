"""Find every dataset importer under scrapers/backfill: adding a dataset is adding one module.

Kept apart from :mod:`scrapers.registry` on purpose: the nightly run must never pick up a
historical dataset, and `deflator backfill` must never fetch a live price list.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import scrapers.backfill
from scrapers.backfill.base import Dataset

_INFRASTRUCTURE = {"base", "registry"}


@cache
def all_datasets() -> dict[str, Dataset]:
    """Every dataset, by source name, in a stable order."""
    found: dict[str, Dataset] = {}
    modules = sorted(pkgutil.iter_modules(scrapers.backfill.__path__), key=lambda m: m.name)
    for module_info in modules:
        if module_info.name in _INFRASTRUCTURE or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"scrapers.backfill.{module_info.name}")
        # A module names one DATASET, or several as DATASETS (page_history.py: one per kind).
        for dataset in (getattr(module, "DATASET", None), *getattr(module, "DATASETS", ())):
            if not isinstance(dataset, Dataset):
                continue
            if dataset.name in found:
                raise RuntimeError(f"two datasets are named {dataset.name!r}")
            found[dataset.name] = dataset
    return found


def select_datasets(names: list[str] | None) -> list[Dataset]:
    """The named datasets (all when ``names`` is empty); an unknown name is an error."""
    datasets = all_datasets()
    if not names:
        return list(datasets.values())
    unknown = [name for name in names if name not in datasets]
    if unknown:
        raise KeyError(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(datasets)}")
    return [datasets[name] for name in names]
