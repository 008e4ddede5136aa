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

starts_counts as (
    select
        period_end,
        count(distinct child_key) as children_starting
    from {{ ref('int_cla_starts_monthly') }}
    group by period_end
),

ceases_headline as (
    select
        period_end,
        count(distinct child_key) as children_ceasing
    from {{ ref('int_cla_ceases_monthly') }}
    group by period_end
),

visits_counts as (
    select
        period_end,
        count(distinct case when is_visited_in_time then child_key end) as children_visited_in_time,
        count(distinct child_key) as children_due_a_visit
    from {{ ref('int_cla_visits_compliance_monthly') }}
    group by period_end
),

monthly_counts as (
    select
        months.period_end,
        months.is_partial_window,
        coalesce(cla_snapshot_counts.children_looked_after, 0) as children_looked_after,
        -- latest mid-year estimate of children aged 0-17 on or before period_end
        population.population_0_17,
        coalesce(starts_counts.children_starting, 0) as children_starting,
        coalesce(ceases_headline.children_ceasing, 0) as children_ceasing,
        coalesce(visits_counts.children_visited_in_time, 0) as children_visited_in_time,
        coalesce(visits_counts.children_due_a_visit, 0) as children_due_a_visit
    from months
    left join cla_snapshot_counts
        on months.period_end = cla_snapshot_counts.period_end
    left join {{ ref('int_population_monthly') }} as population
        on months.period_end = population.period_end
    left join starts_counts
        on months.period_end = starts_counts.period_end
    left join ceases_headline
        on months.period_end = ceases_headline.period_end
    left join visits_counts
        on months.period_end = visits_counts.period_end
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

-- every month x reason group, so groups with no children ceasing show 0
monthly_ceases_by_group as (
    select
        months.period_end,
        months.is_partial_window,
        reason_groups.reason_group,
        coalesce(ceases_by_group.children_ceasing, 0) as children_ceasing
    from months
    cross join reason_groups
    left join ceases_by_group
        on
            months.period_end = ceases_by_group.period_end
            and reason_groups.reason_group = ceases_by_group.reason_group
)

{#- CLA_COUNT: children looked after at period_end (not short breaks); CLA_RATE_10K: per
    10,000 children aged 0-17; CLA_STARTS_12M / CLA_CEASES_12M: children starting /
    ceasing (last occasion) a period of care in the 12 months to period_end, ceases also
    by reason_group of the last occasion; CLA_VISITS_IN_TIME: % of CLA due a visit whose
    latest visit is within their interval. Kinds: macros/scorecard_rows.sql -#}
{%- set partial_window = "case when is_partial_window then 'partial_window' end" %}
{%- set indicators = [
    {'code': 'CLA_COUNT', 'kind': 'count', 'numerator': 'children_looked_after'},
    {'code': 'CLA_RATE_10K', 'kind': 'rate_10k', 'numerator': 'children_looked_after',
     'denominator': 'population_0_17',
     'flag': "case when population_0_17 is null then 'population_unavailable' end"},
    {'code': 'CLA_STARTS_12M', 'kind': 'count', 'numerator': 'children_starting', 'flag': partial_window},
    {'code': 'CLA_CEASES_12M', 'kind': 'count', 'numerator': 'children_ceasing', 'flag': partial_window},
    {'code': 'CLA_VISITS_IN_TIME', 'kind': 'pct', 'numerator': 'children_visited_in_time',
     'denominator': 'children_due_a_visit'},
] %}
{%- set ceases_by_reason_group = [
    {'code': 'CLA_CEASES_12M', 'kind': 'count', 'numerator': 'children_ceasing', 'flag': partial_window},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
union all
{{ scorecard_indicator_rows(
    ceases_by_reason_group, 'monthly_ceases_by_group', breakdown='reason_group', breakdown_value='reason_group'
) }}
