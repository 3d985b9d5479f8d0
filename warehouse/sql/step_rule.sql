-- The step rule of the checks (stage_checked.sql), written once: a point is rejected when an
-- earlier check already rejected it (pre_reason), when it moves more than max_step× from the
-- price it follows, or, following no price (the first of its series), when it is more than
-- max_step× from the next different price after it and from the one after that, if any (a
-- slip on the first point of a series).
CREATE OR REPLACE TEMP MACRO step_rejected(
    pre_reason, price, previous_price, next_price, after_next_price, max_step
) AS pre_reason IS NOT NULL OR coalesce(
    CASE WHEN previous_price IS NULL
         THEN next_price > 0
              AND greatest(price / next_price, next_price / price) > max_step
              AND (after_next_price IS NULL
                   OR greatest(price / after_next_price, after_next_price / price) > max_step)
         ELSE previous_price > 0
              AND greatest(price / previous_price, previous_price / price) > max_step
    END, FALSE);
