-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- foundation looked-after indicators: CLA_COUNT, CLA_RATE_10K, CLA_STARTS_12M,
-- CLA_CEASES_12M (with reason_group) and CLA_VISITS_IN_TIME. Definitions:
-- docs/architecture.md. Every int_scorecard_rows__* model has the same columns and is
-- stacked by marts.fct_scorecard_monthly.
with months as (
    select
        period_end,
        is_partial_window
    from {{ ref('int_months') }}
),

cla_snapshot_counts as (
    select
        period_end,
        count(distinct child_key) as children_looked_after
    from {{ ref('int_cla_monthly_snapshot') }}
    where is_in_cla_count
    group by period_end
),

-- CLA_COUNT: children looked after at period_end (not short breaks)
cla_count as (
    select
        'CLA_COUNT' as indicator_code,
        months.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        coalesce(cla_snapshot_counts.children_looked_after, 0) as numerator,
        cast(null as bigint) as denominator,
        cast(coalesce(cla_snapshot_counts.children_looked_after, 0) as double precision) as value,
        cast(null as varchar) as data_quality_flag
    from months
    left join cla_snapshot_counts
        on months.period_end = cla_snapshot_counts.period_end
),

-- CLA_RATE_10K: CLA_COUNT per 10,000 children aged 0-17 (latest mid-year estimate on or
-- before period_end)
cla_rate_10k as (
    select
        'CLA_RATE_10K' as indicator_code,
        cla_count.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        cla_count.numerator,
        population.population_0_17 as denominator,
        cast(cla_count.numerator as double precision)
        / cast(nullif(population.population_0_17, 0) as double precision)
        * 10000 as value,
        case when population.population_0_17 is null then 'population_unavailable' end as data_quality_flag
    from cla_count
    left join {{ ref('int_population_monthly') }} as population
        on cla_count.period_end = population.period_end
),

starts_counts as (
    select
        period_end,
        count(distinct child_key) as children_starting
    from {{ ref('int_cla_starts_monthly') }}
    group by period_end
),

-- CLA_STARTS_12M: children starting a period of care in the 12 months to period_end
cla_starts_12m as (
    select
        'CLA_STARTS_12M' as indicator_code,
        months.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        coalesce(starts_counts.children_starting, 0) as numerator,
        cast(null as bigint) as denominator,
        cast(coalesce(starts_counts.children_starting, 0) as double precision) as value,
        case when months.is_partial_window then 'partial_window' end as data_quality_flag
    from months
    left join starts_counts
        on months.period_end = starts_counts.period_end
),

reason_groups as (
    {% for reason_group in cla_cease_reason_groups() -%}
        select '{{ reason_group }}' as reason_group
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

ceases_by_group as (
    select
        period_end,
        reason_group,
        count(distinct child_key) as children_ceasing
    from {{ ref('int_cla_ceases_monthly') }}
    group by period_end, reason_group
),

ceases_headline as (
    select
        period_end,
        count(distinct child_key) as children_ceasing
    from {{ ref('int_cla_ceases_monthly') }}
    group by period_end
),

-- CLA_CEASES_12M: children ceasing (last occasion) in the 12 months to period_end,
-- headline and by reason_group of the last occasion
cla_ceases_12m as (
    select
        'CLA_CEASES_12M' as indicator_code,
        months.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        coalesce(ceases_headline.children_ceasing, 0) as numerator,
        cast(null as bigint) as denominator,
        cast(coalesce(ceases_headline.children_ceasing, 0) as double precision) as value,
        case when months.is_partial_window then 'partial_window' end as data_quality_flag
    from months
    left join ceases_headline
        on months.period_end = ceases_headline.period_end
    union all
    select
        'CLA_CEASES_12M' as indicator_code,
        months.period_end,
        'reason_group' as breakdown,
        reason_groups.reason_group as breakdown_value,
        coalesce(ceases_by_group.children_ceasing, 0) as numerator,
        cast(null as bigint) as denominator,
        cast(coalesce(ceases_by_group.children_ceasing, 0) as double precision) as value,
        case when months.is_partial_window then 'partial_window' end as data_quality_flag
    from months
    cross join reason_groups
    left join ceases_by_group
        on
            months.period_end = ceases_by_group.period_end
            and reason_groups.reason_group = ceases_by_group.reason_group
),

visits_counts as (
    select
        period_end,
        count(distinct case when is_visited_in_time then child_key end) as children_visited_in_time,
        count(distinct child_key) as children_due_a_visit
    from {{ ref('int_cla_visits_compliance_monthly') }}
    group by period_end
),

-- CLA_VISITS_IN_TIME: % of CLA due a visit whose latest visit is within their interval
cla_visits_in_time as (
    select
        'CLA_VISITS_IN_TIME' as indicator_code,
        months.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        coalesce(visits_counts.children_visited_in_time, 0) as numerator,
        coalesce(visits_counts.children_due_a_visit, 0) as denominator,
        case
            when coalesce(visits_counts.children_due_a_visit, 0) > 0
                then
                    100 * cast(visits_counts.children_visited_in_time as double precision)
                    / cast(visits_counts.children_due_a_visit as double precision)
        end as value,
        cast(null as varchar) as data_quality_flag
    from months
    left join visits_counts
        on months.period_end = visits_counts.period_end
)


select
    indicator_code,
    period_end,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    value,
    data_quality_flag
from cla_count
union all
select
    indicator_code,
    period_end,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    value,
    data_quality_flag
from cla_rate_10k
union all
select
    indicator_code,
    period_end,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    value,
    data_quality_flag
from cla_starts_12m
union all
select
    indicator_code,
    period_end,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    value,
    data_quality_flag
from cla_ceases_12m
union all
select
    indicator_code,
    period_end,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    value,
    data_quality_flag
from cla_visits_in_time
