-- grain: one row per child and month in the CLA_COUNT cohort at period_end, with the next
-- CLA review due date and whether it is not yet overdue (CLA_REVIEWS_IN_TIME).
-- Held reviews (dated, not cancelled) of the current period of care dated in
-- [period_start, period_end]; next due = the 20th working day after the period start when
-- none is held, 3 months after the first when one is held, else 6 months after the latest
-- (Care Planning Regs 2010 reg 33). In time when period_end <= next due. The period start
-- of a period split at the cutover is the legacy start (the seam does not reset the clock).
with cohort as (
    select
        child_key,
        period_end,
        period_start_date
    from {{ ref('int_cla_monthly_snapshot') }}
    where is_in_cla_count
),

calendar as (
    select
        calendar_date,
        is_working_day,
        working_day_number
    from {{ ref('england_calendar') }}
),

first_review_due_dates as (
    select
        cohort.child_key,
        cohort.period_end,
        due_days.calendar_date as first_review_due_date
    from cohort
    inner join calendar as start_days
        on cohort.period_start_date = start_days.calendar_date
    inner join calendar as due_days
        on
            due_days.working_day_number = start_days.working_day_number + 20
            and due_days.is_working_day
),

held_reviews as (
    select
        cohort.child_key,
        cohort.period_end,
        count(*) as reviews_held,
        min(reviews.review_date) as first_review_date,
        max(reviews.review_date) as latest_review_date
    from cohort
    inner join {{ ref('int_cla_reviews_unified') }} as reviews
        on
            cohort.child_key = reviews.child_key
            and reviews.is_review_held
            and cohort.period_start_date <= reviews.review_date
            and cohort.period_end >= reviews.review_date
    group by cohort.child_key, cohort.period_end
),

next_due_dates as (
    select
        cohort.child_key,
        cohort.period_end,
        cohort.period_start_date,
        coalesce(held_reviews.reviews_held, 0) as reviews_held,
        held_reviews.latest_review_date,
        case
            when held_reviews.reviews_held is null then first_review_due_dates.first_review_due_date
            when held_reviews.reviews_held = 1 then {{ shift_months('held_reviews.first_review_date', 3) }}
            else {{ shift_months('held_reviews.latest_review_date', 6) }}
        end as next_review_due_date
    from cohort
    left join first_review_due_dates
        on
            cohort.child_key = first_review_due_dates.child_key
            and cohort.period_end = first_review_due_dates.period_end
    left join held_reviews
        on
            cohort.child_key = held_reviews.child_key
            and cohort.period_end = held_reviews.period_end
)

select
    child_key,
    period_end,
    period_start_date,
    reviews_held,
    latest_review_date,
    next_review_due_date,
    coalesce(period_end <= next_review_due_date, false) as is_review_in_time
from next_due_dates
