-- The step rule of the checks (stage_checked.sql), written once: a point is rejected when an
-- earlier check already rejected it (pre_reason), when it moves too far from the price it
-- follows, or, following no price (the first of its series), when it is too far from the next
-- different price after it and from the one after that, if any (a slip on the first point of
-- a series).
--
-- "Too far" (step_too_far): more than max_step× either way, OR a factor within 1% of 10, 100
-- or 1000 either way. The second part catches unit slips that land exactly on the limit: a
-- per-1K price typed as per-1M moves by exactly 1000×, a decimal point shifted by one place by
-- exactly 10× (Vertex claude-3-opus $15 → $1.5, gemini-1.5-pro $3.5 → $0.35 passed a strict
-- "more than 10×" rule). A real price cut of exactly 10× is rare enough to be worth a look in
-- quarantine; docs/input-hygiene.md.
CREATE OR REPLACE TEMP MACRO step_too_far(price, other, max_step) AS
    greatest(price / other, other / price) > max_step
    OR abs(greatest(price / other, other / price) / 10 - 1) <= 0.01
    OR abs(greatest(price / other, other / price) / 100 - 1) <= 0.01
    OR abs(greatest(price / other, other / price) / 1000 - 1) <= 0.01;

CREATE OR REPLACE TEMP MACRO step_rejected(
    pre_reason, price, previous_price, next_price, after_next_price, max_step
) AS pre_reason IS NOT NULL OR coalesce(
    CASE WHEN previous_price IS NULL
         THEN next_price > 0
              AND step_too_far(price, next_price, max_step)
              AND (after_next_price IS NULL
                   OR step_too_far(price, after_next_price, max_step))
         ELSE previous_price > 0
              AND step_too_far(price, previous_price, max_step)
    END, FALSE);
