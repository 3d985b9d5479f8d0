INSERT INTO frontier_points (
    source, include_reasoning, benchmark, threshold_model, threshold_score, point, day,
    model, model_id, price, score, computed_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
