-- grain: one row per child and month for children looked after at any point in the month's
-- 12-month window: a period of care, not a short break, with start <= period_end and
-- (end NULL or end > window_start). went_missing: a missing episode of type "Missing"
-- (not "Absent") starting in the window [window_start, period_end] (CLA_MISSING_12M).
with months as (
    select
        period_end,
        window_start
    from {{ ref('int_months') }}
),

looked_after_in_window as (
    select distinct
        months.period_end,
        months.window_start,
        periods.child_key
    from months
    inner join {{ ref('int_cla_periods_of_care') }} as periods
        on
            not periods.is_short_break
            and months.period_end >= periods.period_start_date
            and (periods.period_end_date is null or months.window_start < periods.period_end_date)
),

missing_in_window as (
    select distinct
        looked_after_in_window.child_key,
        looked_after_in_window.period_end
    from looked_after_in_window
    inner join {{ ref('int_missing_unified') }} as missing
        on
            looked_after_in_window.child_key = missing.child_key
            and missing.is_missing_type
            and looked_after_in_window.window_start <= missing.missing_episode_start_date
            and looked_after_in_window.period_end >= missing.missing_episode_start_date
)

select
    looked_after_in_window.child_key,
    looked_after_in_window.period_end,
    looked_after_in_window.window_start,
    missing_in_window.child_key is not null as went_missing
from looked_after_in_window
left join missing_in_window
    on
        looked_after_in_window.child_key = missing_in_window.child_key
        and looked_after_in_window.period_end = missing_in_window.period_end
