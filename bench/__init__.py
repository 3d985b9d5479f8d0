"""Benchmarks of deflator against DuckDB's, lxml's and Python's own limits (`make bench`).

Not tests: nothing here runs in `make test`. See bench/README.md for what each measures.
"""
