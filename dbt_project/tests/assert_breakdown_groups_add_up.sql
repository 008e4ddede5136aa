-- Every broken-down indicator (macro breakdown_indicators()), every breakdown that applies
-- to it and every month: the numerators of the group rows add up to the headline's
-- numerator, and (percentages) their denominators to the headline's denominator, because
-- every child in the headline's cohort lands in exactly one group. A month whose cohort
-- is empty has no group rows. Returns one row per indicator, month and breakdown that
-- does not add up.
{% set indicators = breakdown_indicators() %}

with indicator_breakdowns as (
    {% for indicator in indicators -%}
        {% for dimension in indicator.dimensions -%}
            select
                '{{ indicator.code }}' as indicator_code,
                '{{ dimension }}' as breakdown
            {% if not loop.last %}union all{% endif %}
        {% endfor -%}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

headline as (
    select
        scorecard.indicator_code,
        scorecard.period_end,
        scorecard.numerator,
        scorecard.denominator
    from {{ ref('fct_scorecard_monthly') }} as scorecard
    where
        scorecard.breakdown = 'all'
        and scorecard.indicator_code in (select indicator_breakdowns.indicator_code from indicator_breakdowns)
),

group_sums as (
    select
        indicator_code,
        period_end,
        breakdown,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('fct_scorecard_monthly') }}
    where breakdown != 'all'
    group by indicator_code, period_end, breakdown
)

select
    headline.indicator_code,
    headline.period_end,
    indicator_breakdowns.breakdown,
    headline.numerator as headline_numerator,
    group_sums.numerator as groups_numerator,
    headline.denominator as headline_denominator,
    group_sums.denominator as groups_denominator
from headline
inner join indicator_breakdowns
    on headline.indicator_code = indicator_breakdowns.indicator_code
left join group_sums
    on
        headline.indicator_code = group_sums.indicator_code
        and headline.period_end = group_sums.period_end
        and indicator_breakdowns.breakdown = group_sums.breakdown
where
    coalesce(group_sums.numerator, 0) != headline.numerator
    or (headline.denominator is null and group_sums.denominator is not null)
    or coalesce(group_sums.denominator, 0) != headline.denominator
