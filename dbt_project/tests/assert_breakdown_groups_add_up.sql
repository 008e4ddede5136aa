-- CLA_COUNT, CP_COUNT, CIN_COUNT: for every breakdown (age_band, sex, ethnicity_group,
-- uasc, team; placement_type_group for CLA_COUNT) the group rows of a month add up to
-- its headline row, because every child in the headline lands in exactly one group.
-- A month with no children has no group rows.
with headline as (
    select
        indicator_code,
        period_end,
        numerator
    from {{ ref('fct_scorecard_monthly') }}
    where
        indicator_code in ('CLA_COUNT', 'CP_COUNT', 'CIN_COUNT')
        and breakdown = 'all'
),

breakdowns as (
    select 'age_band' as breakdown
    union all
    select 'sex' as breakdown
    union all
    select 'ethnicity_group' as breakdown
    union all
    select 'uasc' as breakdown
    union all
    select 'team' as breakdown
    union all
    select 'placement_type_group' as breakdown
),

group_sums as (
    select
        indicator_code,
        period_end,
        breakdown,
        sum(numerator) as numerator
    from {{ ref('fct_scorecard_monthly') }}
    where
        indicator_code in ('CLA_COUNT', 'CP_COUNT', 'CIN_COUNT')
        and breakdown != 'all'
    group by indicator_code, period_end, breakdown
)

select
    headline.indicator_code,
    headline.period_end,
    breakdowns.breakdown,
    headline.numerator as headline_numerator,
    group_sums.numerator as groups_numerator
from headline
cross join breakdowns
left join group_sums
    on
        headline.indicator_code = group_sums.indicator_code
        and headline.period_end = group_sums.period_end
        and breakdowns.breakdown = group_sums.breakdown
where
    coalesce(group_sums.numerator, 0) != headline.numerator
    and (breakdowns.breakdown != 'placement_type_group' or headline.indicator_code = 'CLA_COUNT')
