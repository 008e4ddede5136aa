-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- adoption indicators (headline rows 'all'/'all'): ADO_A1_DAYS, ADO_A2_DAYS,
-- ADO_A10_DAYS (means over children adopted in the 36 months ending period_end:
-- numerator = total days, denominator = children, value = mean days) and ADO_PLACED_12M.
-- Definitions: docs/architecture.md ("Indicator definitions: adoption and care leavers").
with months as (
    select
        period_end,
        window_start,
        is_partial_window,
        {{ shift_months('month_start', -35) }} < history_start as is_partial_window_36m
    from {{ ref('int_months') }}
),

adoption_day_totals as (
    select
        period_end,
        sum(days_care_to_placed_for_adoption) as a1_total_days,
        count(days_care_to_placed_for_adoption) as a1_children,
        sum(days_placement_order_to_match) as a2_total_days,
        count(days_placement_order_to_match) as a2_children,
        sum(days_care_to_placed_with_adopters) as a10_total_days,
        count(days_care_to_placed_with_adopters) as a10_children
    from {{ ref('int_adoptions_36m_monthly') }}
    group by period_end
),

adoption_means as (
    select
        months.period_end,
        months.is_partial_window_36m,
        coalesce(adoption_day_totals.a1_total_days, 0) as a1_total_days,
        coalesce(adoption_day_totals.a1_children, 0) as a1_children,
        coalesce(adoption_day_totals.a2_total_days, 0) as a2_total_days,
        coalesce(adoption_day_totals.a2_children, 0) as a2_children,
        coalesce(adoption_day_totals.a10_total_days, 0) as a10_total_days,
        coalesce(adoption_day_totals.a10_children, 0) as a10_children
    from months
    left join adoption_day_totals
        on months.period_end = adoption_day_totals.period_end
),

-- ADO_A1_DAYS: mean days from entering care (final period) to placed for adoption
ado_a1_days as (
    select
        'ADO_A1_DAYS' as indicator_code,
        period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        a1_total_days as numerator,
        a1_children as denominator,
        cast(a1_total_days as double precision) / cast(nullif(a1_children, 0) as double precision) as value,
        case when is_partial_window_36m then 'partial_window' end as data_quality_flag
    from adoption_means
),

-- ADO_A2_DAYS: mean days from placement order to match (0 where matched first)
ado_a2_days as (
    select
        'ADO_A2_DAYS' as indicator_code,
        period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        a2_total_days as numerator,
        a2_children as denominator,
        cast(a2_total_days as double precision) / cast(nullif(a2_children, 0) as double precision) as value,
        case when is_partial_window_36m then 'partial_window' end as data_quality_flag
    from adoption_means
),

-- ADO_A10_DAYS: as A1, the clock stopping when the child moved in with the foster
-- carers who adopted them
ado_a10_days as (
    select
        'ADO_A10_DAYS' as indicator_code,
        period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        a10_total_days as numerator,
        a10_children as denominator,
        cast(a10_total_days as double precision) / cast(nullif(a10_children, 0) as double precision) as value,
        case when is_partial_window_36m then 'partial_window' end as data_quality_flag
    from adoption_means
),

placed_children as (
    select
        months.period_end,
        count(distinct permanence.child_key) as children_placed
    from months
    inner join {{ ref('int_adoption_permanence_unified') }} as permanence
        on
            months.window_start <= permanence.placed_for_adoption_date
            and months.period_end >= permanence.placed_for_adoption_date
    group by months.period_end
),

-- ADO_PLACED_12M: children placed for adoption in the 12 months ending period_end
ado_placed_12m as (
    select
        'ADO_PLACED_12M' as indicator_code,
        months.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        coalesce(placed_children.children_placed, 0) as numerator,
        cast(null as bigint) as denominator,
        cast(coalesce(placed_children.children_placed, 0) as double precision) as value,
        case when months.is_partial_window then 'partial_window' end as data_quality_flag
    from months
    left join placed_children
        on months.period_end = placed_children.period_end
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
from ado_a1_days
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
from ado_a2_days
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
from ado_a10_days
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
from ado_placed_12m
