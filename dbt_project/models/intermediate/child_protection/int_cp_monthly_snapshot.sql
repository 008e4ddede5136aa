-- grain: one row per CP plan and month in which the plan is open on period_end
-- Open on D: start <= D and (end is null or end > D). Visits (CP_VISITS_10WD): the latest
-- visit with the child seen dated in [plan start, D]; due once the plan has been open 10
-- working days; in time when at most 10 working days before D. Reviews
-- (CP_REVIEWS_IN_TIME): due once the plan has been open 3 calendar months; the first
-- review is due 3 months after the plan start (the ICPC), each later one 6 months after
-- the previous review; in time when every review held before D met its due date and the
-- next due date is not before D. Working days after one day up to and including another
-- are working_day_number(later) - working_day_number(earlier).
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

plans as (
    select
        cp_plan_key,
        child_key,
        plan_start_date,
        plan_end_date
    from {{ ref('int_cp_plans') }}
),

open_plans as (
    select
        months.period_end,
        plans.cp_plan_key,
        plans.child_key,
        plans.plan_start_date
    from months
    inner join plans
        on
            months.period_end >= plans.plan_start_date
            and (plans.plan_end_date is null or months.period_end < plans.plan_end_date)
),

latest_seen_visits as (
    select
        open_plans.cp_plan_key,
        open_plans.period_end,
        max(visits.cp_visit_date) as latest_seen_visit_date
    from open_plans
    inner join {{ ref('int_cp_visits_unified') }} as visits
        on
            open_plans.child_key = visits.child_key
            and open_plans.plan_start_date <= visits.cp_visit_date
            and open_plans.period_end >= visits.cp_visit_date
    where visits.is_child_seen
    group by open_plans.cp_plan_key, open_plans.period_end
),

plan_reviews as (
    select distinct
        plans.cp_plan_key,
        plans.plan_start_date,
        reviews.cp_review_date
    from plans
    inner join {{ ref('int_cp_reviews_unified') }} as reviews
        on
            plans.child_key = reviews.child_key
            and plans.plan_start_date <= reviews.cp_review_date
            and (plans.plan_end_date is null or plans.plan_end_date > reviews.cp_review_date)
),

ordered_reviews as (
    select
        cp_plan_key,
        plan_start_date,
        cp_review_date,
        lag(cp_review_date) over (
            partition by cp_plan_key order by cp_review_date
        ) as previous_review_date
    from plan_reviews
),

reviews_with_due_dates as (
    select
        cp_plan_key,
        cp_review_date,
        case
            when previous_review_date is null then {{ shift_months('plan_start_date', 3) }}
            else {{ shift_months('previous_review_date', 6) }}
        end as review_due_date
    from ordered_reviews
),

reviews_by_month as (
    select
        open_plans.cp_plan_key,
        open_plans.period_end,
        max(reviews.cp_review_date) as latest_review_date,
        count(case when reviews.cp_review_date > reviews.review_due_date then 1 end) as late_review_count,
        -- due dates rise with each review, so the latest late review has the latest due date
        max(case when reviews.cp_review_date > reviews.review_due_date then reviews.cp_review_date end)
            as latest_late_review_date,
        max(case when reviews.cp_review_date > reviews.review_due_date then reviews.review_due_date end)
            as latest_late_review_due_date
    from open_plans
    inner join reviews_with_due_dates as reviews
        on
            open_plans.cp_plan_key = reviews.cp_plan_key
            and open_plans.period_end >= reviews.cp_review_date
    group by open_plans.cp_plan_key, open_plans.period_end
),

snapshot as (
    select
        open_plans.cp_plan_key,
        open_plans.child_key,
        open_plans.period_end,
        open_plans.plan_start_date,
        {{ days_between('open_plans.plan_start_date', 'open_plans.period_end') }} as days_open,
        period_end_day.working_day_number - plan_start_day.working_day_number as working_days_open,
        latest_seen_visits.latest_seen_visit_date,
        period_end_day.working_day_number - visit_day.working_day_number as working_days_since_seen,
        reviews_by_month.latest_review_date,
        coalesce(reviews_by_month.late_review_count, 0) as late_review_count,
        reviews_by_month.latest_late_review_date,
        reviews_by_month.latest_late_review_due_date,
        case
            when reviews_by_month.latest_review_date is null
                then {{ shift_months('open_plans.plan_start_date', 3) }}
            else {{ shift_months('reviews_by_month.latest_review_date', 6) }}
        end as next_review_due_date
    from open_plans
    left join latest_seen_visits
        on
            open_plans.cp_plan_key = latest_seen_visits.cp_plan_key
            and open_plans.period_end = latest_seen_visits.period_end
    left join reviews_by_month
        on
            open_plans.cp_plan_key = reviews_by_month.cp_plan_key
            and open_plans.period_end = reviews_by_month.period_end
    left join calendar as period_end_day
        on open_plans.period_end = period_end_day.calendar_date
    left join calendar as plan_start_day
        on open_plans.plan_start_date = plan_start_day.calendar_date
    left join calendar as visit_day
        on latest_seen_visits.latest_seen_visit_date = visit_day.calendar_date
)

select
    cp_plan_key,
    child_key,
    period_end,
    plan_start_date,
    days_open,
    working_days_open,
    latest_seen_visit_date,
    working_days_since_seen,
    latest_review_date,
    late_review_count,
    latest_late_review_date,
    latest_late_review_due_date,
    next_review_due_date,
    -- CP_2Y_PLUS_OPEN
    days_open > 729 as is_open_2y_plus,
    -- CP_VISITS_10WD
    working_days_open >= 10 as is_due_a_visit,
    coalesce(working_days_since_seen <= 10, false) as is_seen_within_10wd,
    -- CP_REVIEWS_IN_TIME
    {{ shift_months('plan_start_date', 3) }} <= period_end as is_due_a_review,
    late_review_count = 0 and next_review_due_date >= period_end as is_reviewed_in_time
from snapshot
