-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the child
-- protection indicators (headline rows 'all'/'all'): CP_COUNT, CP_RATE_10K,
-- CP_REPEAT_EVER, CP_REPEAT_2Y, CP_2Y_PLUS_OPEN, CP_2Y_PLUS_ENDED, CP_VISITS_10WD,
-- CP_REVIEWS_IN_TIME, CP_ICPC_15WD. Definitions: docs/architecture.md ("Indicator
-- definitions: child protection, children in need, workforce"). Same columns as every
-- int_scorecard_rows__* model, stacked by marts.fct_scorecard_monthly.
with months as (
    select
        period_end,
        window_start,
        is_partial_window
    from {{ ref('int_months') }}
),

snapshot_counts as (
    select
        period_end,
        count(distinct child_key) as children_on_a_plan,
        count(distinct case when is_open_2y_plus then cp_plan_key end) as plans_open_2y_plus,
        count(distinct cp_plan_key) as plans_open,
        count(distinct case when is_due_a_visit then child_key end) as children_due_a_visit,
        count(distinct case when is_due_a_visit and is_seen_within_10wd then child_key end)
            as children_seen_within_10wd,
        count(distinct case when is_due_a_review then child_key end) as children_due_a_review,
        count(distinct case when is_due_a_review and is_reviewed_in_time then child_key end)
            as children_reviewed_in_time
    from {{ ref('int_cp_monthly_snapshot') }}
    group by period_end
),

plan_starts as (
    select
        months.period_end,
        count(*) as plans_starting,
        count(case when cp_plans.is_repeat_ever then 1 end) as repeat_plans_ever,
        count(case when cp_plans.is_repeat_within_2y then 1 end) as repeat_plans_within_2y
    from months
    inner join {{ ref('int_cp_plans') }} as cp_plans
        on
            months.window_start <= cp_plans.plan_start_date
            and months.period_end >= cp_plans.plan_start_date
    group by months.period_end
),

plan_ends as (
    select
        months.period_end,
        count(*) as plans_ending,
        count(case when cp_plans.plan_duration_days >= 730 then 1 end) as plans_ending_2y_plus
    from months
    inner join {{ ref('int_cp_plans') }} as cp_plans
        on
            months.window_start <= cp_plans.plan_end_date
            and months.period_end >= cp_plans.plan_end_date
    where cp_plans.is_ended
    group by months.period_end
),

conferences as (
    select
        months.period_end,
        count(*) as conferences_held,
        count(case when icpcs.working_days_from_s47_start <= 15 then 1 end) as conferences_within_15wd
    from months
    inner join {{ ref('int_cp_icpcs_unified') }} as icpcs
        on
            months.window_start <= icpcs.icpc_date
            and months.period_end >= icpcs.icpc_date
    where not icpcs.is_icpc_transfer_in
    group by months.period_end
),

monthly_counts as (
    select
        months.period_end,
        months.is_partial_window,
        coalesce(snapshot_counts.children_on_a_plan, 0) as children_on_a_plan,
        coalesce(snapshot_counts.plans_open, 0) as plans_open,
        coalesce(snapshot_counts.plans_open_2y_plus, 0) as plans_open_2y_plus,
        coalesce(snapshot_counts.children_due_a_visit, 0) as children_due_a_visit,
        coalesce(snapshot_counts.children_seen_within_10wd, 0) as children_seen_within_10wd,
        coalesce(snapshot_counts.children_due_a_review, 0) as children_due_a_review,
        coalesce(snapshot_counts.children_reviewed_in_time, 0) as children_reviewed_in_time,
        coalesce(plan_starts.plans_starting, 0) as plans_starting,
        coalesce(plan_starts.repeat_plans_ever, 0) as repeat_plans_ever,
        coalesce(plan_starts.repeat_plans_within_2y, 0) as repeat_plans_within_2y,
        coalesce(plan_ends.plans_ending, 0) as plans_ending,
        coalesce(plan_ends.plans_ending_2y_plus, 0) as plans_ending_2y_plus,
        coalesce(conferences.conferences_held, 0) as conferences_held,
        coalesce(conferences.conferences_within_15wd, 0) as conferences_within_15wd
    from months
    left join snapshot_counts
        on months.period_end = snapshot_counts.period_end
    left join plan_starts
        on months.period_end = plan_starts.period_end
    left join plan_ends
        on months.period_end = plan_ends.period_end
    left join conferences
        on months.period_end = conferences.period_end
),

-- one row per indicator and month: numerator, denominator and whether it is a flow
indicator_counts as (
    select
        'CP_COUNT' as indicator_code,
        period_end,
        children_on_a_plan as numerator,
        cast(null as bigint) as denominator,
        false as is_flow
    from monthly_counts
    union all
    select
        'CP_REPEAT_EVER' as indicator_code,
        period_end,
        repeat_plans_ever as numerator,
        plans_starting as denominator,
        is_partial_window as is_flow
    from monthly_counts
    union all
    select
        'CP_REPEAT_2Y' as indicator_code,
        period_end,
        repeat_plans_within_2y as numerator,
        plans_starting as denominator,
        is_partial_window as is_flow
    from monthly_counts
    union all
    select
        'CP_2Y_PLUS_OPEN' as indicator_code,
        period_end,
        plans_open_2y_plus as numerator,
        plans_open as denominator,
        false as is_flow
    from monthly_counts
    union all
    select
        'CP_2Y_PLUS_ENDED' as indicator_code,
        period_end,
        plans_ending_2y_plus as numerator,
        plans_ending as denominator,
        is_partial_window as is_flow
    from monthly_counts
    union all
    select
        'CP_VISITS_10WD' as indicator_code,
        period_end,
        children_seen_within_10wd as numerator,
        children_due_a_visit as denominator,
        false as is_flow
    from monthly_counts
    union all
    select
        'CP_REVIEWS_IN_TIME' as indicator_code,
        period_end,
        children_reviewed_in_time as numerator,
        children_due_a_review as denominator,
        false as is_flow
    from monthly_counts
    union all
    select
        'CP_ICPC_15WD' as indicator_code,
        period_end,
        conferences_within_15wd as numerator,
        conferences_held as denominator,
        is_partial_window as is_flow
    from monthly_counts
),

-- CP_RATE_10K: CP_COUNT per 10,000 children aged 0-17 (latest mid-year estimate on or
-- before period_end)
cp_rate_10k as (
    select
        'CP_RATE_10K' as indicator_code,
        monthly_counts.period_end,
        'all' as breakdown,
        'all' as breakdown_value,
        monthly_counts.children_on_a_plan as numerator,
        population.population_0_17 as denominator,
        cast(monthly_counts.children_on_a_plan as double precision)
        / cast(nullif(population.population_0_17, 0) as double precision)
        * 10000 as value,
        case when population.population_0_17 is null then 'population_unavailable' end as data_quality_flag
    from monthly_counts
    left join {{ ref('int_population_monthly') }} as population
        on monthly_counts.period_end = population.period_end
)

select
    indicator_code,
    period_end,
    'all' as breakdown,
    'all' as breakdown_value,
    numerator,
    denominator,
    case
        when indicator_code = 'CP_COUNT' then cast(numerator as double precision)
        when denominator > 0
            then 100 * cast(numerator as double precision) / cast(denominator as double precision)
    end as value,
    case when is_flow then 'partial_window' end as data_quality_flag
from indicator_counts
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
from cp_rate_10k
