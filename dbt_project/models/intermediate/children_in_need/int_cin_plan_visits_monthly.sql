-- grain: one row per child and month in which the child has a CIN plan open on period_end
-- and is neither on a CP plan nor looked after then (the CIN_VISITS_20WD cohort)
-- Looked after = in the CLA_COUNT cohort on period_end (short breaks are not looked after
-- here). The plan start is the start of the stay across the cutover (earliest when two
-- plans are open). Due a visit once the plan has been open 20 working days; in time when
-- the latest visit with the child seen, dated in [plan start, D], is at most 20 working
-- days before D (working_day_number(D) - working_day_number(visit)).
with months as (
    select period_end
    from {{ ref('int_months') }}
),

calendar as (
    select
        cast(calendar_date as date) as calendar_date,
        cast(working_day_number as integer) as working_day_number
    from {{ ref('england_calendar') }}
),

open_plans as (
    select
        cin_plans.child_key,
        months.period_end,
        min(cin_plans.plan_stay_start_date) as plan_start_date
    from months
    inner join {{ ref('int_cin_plans_unified') }} as cin_plans
        on
            months.period_end >= cin_plans.plan_piece_start_date
            and (cin_plans.plan_piece_end_date is null or months.period_end < cin_plans.plan_piece_end_date)
    group by cin_plans.child_key, months.period_end
),

on_cp_plans as (
    select distinct
        child_key,
        period_end
    from {{ ref('int_cp_monthly_snapshot') }}
),

looked_after as (
    select distinct
        child_key,
        period_end
    from {{ ref('int_cla_monthly_snapshot') }}
    where is_in_cla_count
),

cohort as (
    select
        open_plans.child_key,
        open_plans.period_end,
        open_plans.plan_start_date
    from open_plans
    left join on_cp_plans
        on
            open_plans.child_key = on_cp_plans.child_key
            and open_plans.period_end = on_cp_plans.period_end
    left join looked_after
        on
            open_plans.child_key = looked_after.child_key
            and open_plans.period_end = looked_after.period_end
    where on_cp_plans.child_key is null and looked_after.child_key is null
),

latest_seen_visits as (
    select
        cohort.child_key,
        cohort.period_end,
        max(visits.cin_visit_date) as latest_seen_visit_date
    from cohort
    inner join {{ ref('int_cin_visits_unified') }} as visits
        on
            cohort.child_key = visits.child_key
            and cohort.plan_start_date <= visits.cin_visit_date
            and cohort.period_end >= visits.cin_visit_date
    where visits.is_child_seen
    group by cohort.child_key, cohort.period_end
),

measured as (
    select
        cohort.child_key,
        cohort.period_end,
        cohort.plan_start_date,
        period_end_day.working_day_number - plan_start_day.working_day_number as working_days_open,
        latest_seen_visits.latest_seen_visit_date,
        period_end_day.working_day_number - visit_day.working_day_number as working_days_since_seen
    from cohort
    left join latest_seen_visits
        on
            cohort.child_key = latest_seen_visits.child_key
            and cohort.period_end = latest_seen_visits.period_end
    left join calendar as period_end_day
        on cohort.period_end = period_end_day.calendar_date
    left join calendar as plan_start_day
        on cohort.plan_start_date = plan_start_day.calendar_date
    left join calendar as visit_day
        on latest_seen_visits.latest_seen_visit_date = visit_day.calendar_date
)

select
    child_key,
    period_end,
    plan_start_date,
    working_days_open,
    latest_seen_visit_date,
    working_days_since_seen,
    working_days_open >= 20 as is_due_a_visit,
    coalesce(working_days_since_seen <= 20, false) as is_seen_within_20wd
from measured
