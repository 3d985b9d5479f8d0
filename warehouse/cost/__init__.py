"""The cost model P = C + E + D: workload files, pricing, projections and their storage."""
