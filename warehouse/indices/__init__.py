"""Price indices and decline rates: pure methods (no database) and their warehouse readers.

Pure modules, each with its formula in its docstring and hand-computed tests:

- ``stats``: least squares, Student's t quantiles (no numpy, no scipy).
- ``frontier``: the threshold-frontier decline rate of Epoch AI's 2025 study.
- ``jevons``: chained matched-model Jevons index.
- ``geks``: multilateral GEKS index on Jevons bilaterals, rolling window, mean splice.
- ``hedonic``: time-dummy hedonic index.
- ``rates``: decline rate (factor per year, percent, halving time, CI) of any index series.

Readers and writers (DuckDB, SQL in ``warehouse/sql/``): ``data`` and ``store``.
"""
