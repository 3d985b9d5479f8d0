"""The DuckDB warehouse: migrations, loading, price history, quarantine. Speaks schemas/ only."""
