-- How fast do prices fall? Two measures (docs: Methodology):
-- the price of fixed capability (threshold frontier on GPQA Diamond: the cheapest model at or
-- above each threshold model's score, over time), and each leg's matched-model GEKS index over
-- its whole span (published rates only: enough items behind the months; docs: Which rate to
-- quote). factor_per_year: prices fall by this factor a year; ci90: its 90% interval.
select kind,
       leg,
       coalesce('gpqa_diamond >= ' || threshold_model, index) as what,
       start_date,
       end_date,
       round(factor_per_year, 2) as factor_per_year,
       round(ci90_low, 2) as ci90_low,
       round(ci90_high, 2) as ci90_high,
       round(halving_months, 1) as halving_months
from mart_decline_rates
where published
  and ((kind = 'frontier' and benchmark = 'gpqa_diamond' and source = '*'
        and not include_reasoning)
    or (kind = 'index' and method = 'geks' and segment = 'all' and since is null))
order by kind, leg, threshold_score, what;
