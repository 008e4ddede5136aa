-- grain: one row per child and month in the CLA_VISITS_IN_TIME denominator
-- CLA_VISITS_IN_TIME: children in CLA_COUNT at period_end in care more than 7 days
-- (period_end - period_start > 7). P = start of the (stitched) placement open on
-- period_end, else the period start; V = latest visit with the child seen in
-- [P, period_end]. Allowed interval: 7 days when placed with parents (P1) and no CLA review
-- yet in this period of care; 28 days for P1 after the first review; 91 days in a
-- long-term foster placement (U1, U4) lasting 365+ days at period_end; else 42 days.
-- Compliant when V exists and period_end - V <= interval, or no V and period_end - P <= 7.
with cohort as (
    select
        child_key,
        period_end,
        period_of_care_id,
        period_start_date
    from {{ ref('int_cla_monthly_snapshot') }}
    where
        is_in_cla_count
        and days_in_care > 7
),

current_placements as (
    select
        cohort.child_key,
        cohort.period_end,
        placements.placement_stay_start_date,
        placements.placement_type,
        row_number() over (
            partition by cohort.child_key, cohort.period_end
            order by placements.placement_start_date desc, placements.source_row desc
        ) as placement_preference
    from cohort
    inner join {{ ref('int_cla_placements_unified') }} as placements
        on
            cohort.child_key = placements.child_key
            and cohort.period_end >= placements.placement_start_date
            and (placements.placement_end_date is null or cohort.period_end < placements.placement_end_date)
),

cohort_placements as (
    select
        cohort.child_key,
        cohort.period_end,
        cohort.period_of_care_id,
        cohort.period_start_date,
        current_placements.placement_type,
        coalesce(current_placements.placement_stay_start_date, cohort.period_start_date) as placement_start_date
    from cohort
    left join current_placements
        on
            cohort.child_key = current_placements.child_key
            and cohort.period_end = current_placements.period_end
            and current_placements.placement_preference = 1
),

reviews_in_period as (
    select
        cohort.child_key,
        cohort.period_end,
        min(reviews.review_date) as first_review_date
    from cohort
    inner join {{ ref('int_cla_reviews_unified') }} as reviews
        on
            cohort.child_key = reviews.child_key
            and reviews.is_review_held
            and cohort.period_start_date <= reviews.review_date
            and cohort.period_end >= reviews.review_date
    group by cohort.child_key, cohort.period_end
),

latest_visits as (
    select
        cohort_placements.child_key,
        cohort_placements.period_end,
        max(visits.visit_date) as latest_seen_visit_date
    from cohort_placements
    inner join {{ ref('int_cla_visits_unified') }} as visits
        on
            cohort_placements.child_key = visits.child_key
            and visits.is_child_seen
            and cohort_placements.placement_start_date <= visits.visit_date
            and cohort_placements.period_end >= visits.visit_date
    group by cohort_placements.child_key, cohort_placements.period_end
),

intervals as (
    select
        cohort_placements.child_key,
        cohort_placements.period_end,
        cohort_placements.period_of_care_id,
        cohort_placements.period_start_date,
        cohort_placements.placement_start_date,
        cohort_placements.placement_type,
        reviews_in_period.first_review_date,
        latest_visits.latest_seen_visit_date,
        case
            when cohort_placements.placement_type = 'P1' and reviews_in_period.first_review_date is null then 7
            when cohort_placements.placement_type = 'P1' then 28
            when
                cohort_placements.placement_type in ('U1', 'U4')
                and {{ days_between('cohort_placements.placement_start_date', 'cohort_placements.period_end') }} >= 365
                then 91
            else 42
        end as allowed_interval_days
    from cohort_placements
    left join reviews_in_period
        on
            cohort_placements.child_key = reviews_in_period.child_key
            and cohort_placements.period_end = reviews_in_period.period_end
    left join latest_visits
        on
            cohort_placements.child_key = latest_visits.child_key
            and cohort_placements.period_end = latest_visits.period_end
)

select
    child_key,
    period_end,
    period_of_care_id,
    period_start_date,
    placement_start_date,
    placement_type,
    first_review_date,
    latest_seen_visit_date,
    allowed_interval_days,
    {{ days_between('latest_seen_visit_date', 'period_end') }} as days_since_latest_visit,
    case
        when latest_seen_visit_date is not null
            then {{ days_between('latest_seen_visit_date', 'period_end') }} <= allowed_interval_days
        else {{ days_between('placement_start_date', 'period_end') }} <= 7
    end as is_visited_in_time
from intervals
