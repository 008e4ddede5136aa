-- CLA_CEASES_12M: the reason_group rows of a month add up to its headline row (each
-- ceasing child has exactly one last occasion, so exactly one group).
with headline as (
    select
        period_end,
        numerator
    from {{ ref('fct_scorecard_monthly') }}
    where indicator_code = 'CLA_CEASES_12M' and breakdown = 'all'
),

by_group as (
    select
        period_end,
        sum(numerator) as numerator
    from {{ ref('fct_scorecard_monthly') }}
    where indicator_code = 'CLA_CEASES_12M' and breakdown = 'reason_group'
    group by period_end
)

select
    headline.period_end,
    headline.numerator as headline_numerator,
    by_group.numerator as reason_groups_numerator
from headline
left join by_group
    on headline.period_end = by_group.period_end
where by_group.numerator is null or headline.numerator != by_group.numerator
