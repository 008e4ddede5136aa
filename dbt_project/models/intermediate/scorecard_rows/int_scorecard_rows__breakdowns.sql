-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- broken-down indicators of macro breakdown_indicators() (counts CLA_COUNT, CP_COUNT,
-- CIN_COUNT; percentages CLA_VISITS_IN_TIME, CLA_REVIEWS_IN_TIME, CLA_STABILITY_3PLUS,
-- CLA_HEALTH_ASSESSMENT, CLA_PEP, CP_VISITS_10WD, CP_REVIEWS_IN_TIME, CIN_VISITS_20WD)
-- by age_band, sex, ethnicity_group, uasc, team, and placement_type_group for the CLA
-- ones. No headline rows: those come from each area's model. Each indicator's children
-- are read from the intermediate model its headline counts and grouped by their
-- characteristics on period_end (int_breakdown_children_monthly), so the numerators and
-- denominators of each breakdown's groups add up to the headline's. Only groups with at
-- least one child in the cohort appear. Same columns as every int_scorecard_rows__*
-- model, stacked by marts.fct_scorecard_monthly.
{% set indicators = breakdown_indicators() %}

with months as (
    select
        period_end,
        is_partial_window
    from {{ ref('int_months') }}
),

-- one row per indicator, child and month in the indicator's cohort (the children counted,
-- or the denominator of a percentage): whether the child is in the numerator, and which
-- breakdowns apply to the indicator (is_by_<dimension>)
indicator_children as (
    {% for indicator in indicators -%}
        select
            '{{ indicator.code }}' as indicator_code,
            '{{ indicator.unit }}' as unit,
            {{ 'true' if indicator.is_flow else 'false' }} as is_flow,
            {% for dimension in breakdown_dimensions() -%}
                {{ 'true' if dimension in indicator.dimensions else 'false' }} as is_by_{{ dimension }},
            {% endfor -%}
            child_key,
            period_end,
            max(case when {{ indicator.numerator }} then 1 else 0 end) as is_in_numerator
        from {{ ref(indicator.model) }}
        where {{ indicator.cohort }}
        group by child_key, period_end
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

child_groups as (
    select
        child_key,
        period_end,
        {% for dimension in breakdown_dimensions() -%}
            {{ dimension }}{% if not loop.last %},{% endif %}
        {% endfor -%}
    from {{ ref('int_breakdown_children_monthly') }}
),

-- one row per indicator, child and month with the child's groups: one join for every
-- breakdown, instead of one join per breakdown
indicator_child_groups as (
    select
        indicator_children.indicator_code,
        indicator_children.unit,
        indicator_children.is_flow,
        {% for dimension in breakdown_dimensions() -%}
            indicator_children.is_by_{{ dimension }},
            child_groups.{{ dimension }},
        {% endfor -%}
        indicator_children.child_key,
        indicator_children.period_end,
        indicator_children.is_in_numerator
    from indicator_children
    inner join child_groups
        on
            indicator_children.child_key = child_groups.child_key
            and indicator_children.period_end = child_groups.period_end
),

breakdowns as (
    {% for dimension in breakdown_dimensions() -%}
        select '{{ dimension }}' as breakdown
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

-- one row per indicator, child, month and breakdown that applies to the indicator
breakdown_memberships as (
    select
        indicator_child_groups.indicator_code,
        indicator_child_groups.unit,
        indicator_child_groups.is_flow,
        indicator_child_groups.child_key,
        indicator_child_groups.period_end,
        indicator_child_groups.is_in_numerator,
        breakdowns.breakdown,
        case breakdowns.breakdown
            {% for dimension in breakdown_dimensions() -%}
                when '{{ dimension }}' then indicator_child_groups.{{ dimension }}
            {% endfor -%}
        end as breakdown_value
    from indicator_child_groups
    cross join breakdowns
    where
        case breakdowns.breakdown
            {% for dimension in breakdown_dimensions() -%}
                when '{{ dimension }}' then indicator_child_groups.is_by_{{ dimension }}
            {% endfor -%}
        end
),

-- breakdown_memberships holds each child once per indicator, month and breakdown
-- (indicator_children is grouped by child and month, and int_breakdown_children_monthly is
-- unique on them: its test runs before this model), so rows count children without the
-- cost of count(distinct)
group_counts as (
    select
        indicator_code,
        unit,
        is_flow,
        period_end,
        breakdown,
        breakdown_value,
        count(*) as children_in_cohort,
        count(case when is_in_numerator = 1 then 1 end) as children_in_numerator
    from breakdown_memberships
    group by indicator_code, unit, is_flow, period_end, breakdown, breakdown_value
)

select
    group_counts.indicator_code,
    group_counts.period_end,
    group_counts.breakdown,
    group_counts.breakdown_value,
    case
        when group_counts.unit = 'count' then group_counts.children_in_cohort
        else group_counts.children_in_numerator
    end as numerator,
    case
        when group_counts.unit = 'pct' then group_counts.children_in_cohort
    end as denominator,
    case
        when group_counts.unit = 'count' then cast(group_counts.children_in_cohort as double precision)
        else
            100 * cast(group_counts.children_in_numerator as double precision)
            / cast(group_counts.children_in_cohort as double precision)
    end as value,
    case
        when group_counts.is_flow and months.is_partial_window then 'partial_window'
    end as data_quality_flag
from group_counts
inner join months
    on group_counts.period_end = months.period_end
