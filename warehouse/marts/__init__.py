"""The marts: stable, documented views for analysts, exports and dashboards.

The views are created by ``warehouse/migrations/009_marts.sql``; what each column means lives
in :mod:`warehouse.marts.catalog`, the one source of the README's "Marts" section.
"""
