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
        -- latest mid-year estimate of children aged 0-17 on or before period_end
        population.population_0_17,
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
    left join {{ ref('int_population_monthly') }} as population
        on months.period_end = population.period_end
    left join plan_starts
        on months.period_end = plan_starts.period_end
    left join plan_ends
        on months.period_end = plan_ends.period_end
    left join conferences
        on months.period_end = conferences.period_end
)

{#- CP_RATE_10K: CP_COUNT per 10,000 children aged 0-17; flows (plans starting or ending,
    conferences in the 12 months to period_end) are flagged partial_window when the
    window starts before history start. Kinds: macros/scorecard_rows.sql -#}
{%- set partial_window = "case when is_partial_window then 'partial_window' end" %}
{%- set indicators = [
    {'code': 'CP_COUNT', 'kind': 'count', 'numerator': 'children_on_a_plan'},
    {'code': 'CP_REPEAT_EVER', 'kind': 'pct', 'numerator': 'repeat_plans_ever', 'denominator': 'plans_starting',
     'flag': partial_window},
    {'code': 'CP_REPEAT_2Y', 'kind': 'pct', 'numerator': 'repeat_plans_within_2y',
     'denominator': 'plans_starting', 'flag': partial_window},
    {'code': 'CP_2Y_PLUS_OPEN', 'kind': 'pct', 'numerator': 'plans_open_2y_plus', 'denominator': 'plans_open'},
    {'code': 'CP_2Y_PLUS_ENDED', 'kind': 'pct', 'numerator': 'plans_ending_2y_plus',
     'denominator': 'plans_ending', 'flag': partial_window},
    {'code': 'CP_VISITS_10WD', 'kind': 'pct', 'numerator': 'children_seen_within_10wd',
     'denominator': 'children_due_a_visit'},
    {'code': 'CP_REVIEWS_IN_TIME', 'kind': 'pct', 'numerator': 'children_reviewed_in_time',
     'denominator': 'children_due_a_review'},
    {'code': 'CP_ICPC_15WD', 'kind': 'pct', 'numerator': 'conferences_within_15wd',
     'denominator': 'conferences_held', 'flag': partial_window},
    {'code': 'CP_RATE_10K', 'kind': 'rate_10k', 'numerator': 'children_on_a_plan',
     'denominator': 'population_0_17',
     'flag': "case when population_0_17 is null then 'population_unavailable' end"},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
