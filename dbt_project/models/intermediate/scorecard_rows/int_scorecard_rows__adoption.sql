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

monthly_counts as (
    select
        months.period_end,
        months.is_partial_window,
        months.is_partial_window_36m,
        coalesce(adoption_day_totals.a1_total_days, 0) as a1_total_days,
        coalesce(adoption_day_totals.a1_children, 0) as a1_children,
        coalesce(adoption_day_totals.a2_total_days, 0) as a2_total_days,
        coalesce(adoption_day_totals.a2_children, 0) as a2_children,
        coalesce(adoption_day_totals.a10_total_days, 0) as a10_total_days,
        coalesce(adoption_day_totals.a10_children, 0) as a10_children,
        coalesce(placed_children.children_placed, 0) as children_placed
    from months
    left join adoption_day_totals
        on months.period_end = adoption_day_totals.period_end
    left join placed_children
        on months.period_end = placed_children.period_end
)

{#- ADO_A1_DAYS: mean days from entering care (final period) to placed for adoption;
    ADO_A2_DAYS: mean days from placement order to match (0 where matched first);
    ADO_A10_DAYS: as A1, the clock stopping when the child moved in with the foster
    carers who adopted them; ADO_PLACED_12M: children placed for adoption in the 12
    months ending period_end. Kinds: macros/scorecard_rows.sql -#}
{%- set partial_window_36m = "case when is_partial_window_36m then 'partial_window' end" %}
{%- set indicators = [
    {'code': 'ADO_A1_DAYS', 'kind': 'mean', 'numerator': 'a1_total_days', 'denominator': 'a1_children',
     'flag': partial_window_36m},
    {'code': 'ADO_A2_DAYS', 'kind': 'mean', 'numerator': 'a2_total_days', 'denominator': 'a2_children',
     'flag': partial_window_36m},
    {'code': 'ADO_A10_DAYS', 'kind': 'mean', 'numerator': 'a10_total_days', 'denominator': 'a10_children',
     'flag': partial_window_36m},
    {'code': 'ADO_PLACED_12M', 'kind': 'count', 'numerator': 'children_placed',
     'flag': "case when is_partial_window then 'partial_window' end"},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
