"""Backtests of the decline-rate projections: ``rolling`` (pure rolling-origin evaluation),
``legs`` (each leg on the warehouse's history, stored in ``backtests``) and ``calibration``
(the cost model's bands from the errors)."""
