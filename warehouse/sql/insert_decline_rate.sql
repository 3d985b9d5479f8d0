INSERT INTO decline_rates (
    kind, source, include_reasoning, benchmark, threshold_model, threshold_score,
    index, segment, method, since, n_points, start_date, end_date,
    factor_per_year, ci90_low, ci90_high, r_squared, percent_per_year, halving_months,
    items, min_items, computed_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
