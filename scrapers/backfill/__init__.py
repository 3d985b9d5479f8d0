"""Importers of historical price datasets for `deflator backfill` (never part of the nightly run).

Each module defines ``DATASET``: a :class:`~scrapers.backfill.base.Dataset` wrapping the same
:class:`~scrapers.base.Source` record the nightly sources use, whose recordings point at the
dataset's files in the shared data folder. :mod:`scrapers.backfill.registry` finds them.
"""
