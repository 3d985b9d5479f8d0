-- Per source: series opened for the first time (or again after a withdrawal), and price
-- changes (every new island that follows another).
SELECT split_part(series_key, chr(31), 1) AS source,
       count(DISTINCT series_key) FILTER (WHERE NOT had_current) AS new_series,
       count(*) FILTER (WHERE NOT is_current)
           - count(DISTINCT series_key) FILTER (WHERE NOT had_current) AS changes
FROM history_islands
GROUP BY 1;
