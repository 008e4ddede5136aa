-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- breakdowns of the snapshot counts CLA_COUNT, CP_COUNT and CIN_COUNT (breakdowns
-- age_band, sex, ethnicity_group, uasc, team, and placement_type_group for CLA_COUNT;
-- no headline rows: those come from each area's model). Only groups with at least one child appear; the groups of each
-- breakdown add up to the headline count. Same columns as every int_scorecard_rows__*
-- model, stacked by marts.fct_scorecard_monthly.
with cohort_memberships as (
    select
        'CLA_COUNT' as indicator_code,
        child_key,
        period_end,
        age_band,
        sex,
        ethnicity_group,
        uasc,
        team,
        placement_type_group
    from {{ ref('int_breakdown_children_monthly') }}
    where is_in_cla_count
    union all
    select
        'CP_COUNT' as indicator_code,
        child_key,
        period_end,
        age_band,
        sex,
        ethnicity_group,
        uasc,
        team,
        placement_type_group
    from {{ ref('int_breakdown_children_monthly') }}
    where is_in_cp_count
    union all
    select
        'CIN_COUNT' as indicator_code,
        child_key,
        period_end,
        age_band,
        sex,
        ethnicity_group,
        uasc,
        team,
        placement_type_group
    from {{ ref('int_breakdown_children_monthly') }}
    where is_in_cin_count
),

-- one row per child, indicator, month and breakdown
breakdown_memberships as (
    select
        indicator_code,
        child_key,
        period_end,
        'age_band' as breakdown,
        age_band as breakdown_value
    from cohort_memberships
    union all
    select
        indicator_code,
        child_key,
        period_end,
        'sex' as breakdown,
        sex as breakdown_value
    from cohort_memberships
    union all
    select
        indicator_code,
        child_key,
        period_end,
        'ethnicity_group' as breakdown,
        ethnicity_group as breakdown_value
    from cohort_memberships
    union all
    select
        indicator_code,
        child_key,
        period_end,
        'uasc' as breakdown,
        uasc as breakdown_value
    from cohort_memberships
    union all
    select
        indicator_code,
        child_key,
        period_end,
        'team' as breakdown,
        team as breakdown_value
    from cohort_memberships
    union all
    select
        indicator_code,
        child_key,
        period_end,
        'placement_type_group' as breakdown,
        placement_type_group as breakdown_value
    from cohort_memberships
    where indicator_code = 'CLA_COUNT'
),

group_counts as (
    select
        indicator_code,
        period_end,
        breakdown,
        breakdown_value,
        count(distinct child_key) as children
    from breakdown_memberships
    group by indicator_code, period_end, breakdown, breakdown_value
)

select
    indicator_code,
    period_end,
    breakdown,
    breakdown_value,
    children as numerator,
    cast(null as bigint) as denominator,
    cast(children as double precision) as value,
    cast(null as varchar) as data_quality_flag
from group_counts
