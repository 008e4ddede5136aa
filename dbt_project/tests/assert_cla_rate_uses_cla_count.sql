-- CLA_RATE_10K's numerator is CLA_COUNT of the same month.
select
    rate.period_end,
    rate.numerator as rate_numerator,
    cla_count.numerator as cla_count
from {{ ref('fct_scorecard_monthly') }} as rate
inner join {{ ref('fct_scorecard_monthly') }} as cla_count
    on
        rate.period_end = cla_count.period_end
        and cla_count.indicator_code = 'CLA_COUNT'
        and cla_count.breakdown = 'all'
where
    rate.indicator_code = 'CLA_RATE_10K'
    and rate.numerator != cla_count.numerator
