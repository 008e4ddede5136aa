-- grain: one row per period of care (not a short break) whose initial health assessment is
-- due: IHA due date = the 20th working day after the period start (England working days,
-- seed england_calendar); only periods still open on the due date (end NULL or end > due)
-- are due. is_iha_in_time: an initial health assessment (IHA, not refused) dated in
-- [period start, due date] (CLA_IHA_20WD counts these periods by the month of their start).
-- first_iha_date: the earliest such IHA dated in the period (start <= date, before its end),
-- in time or late, for the drill-down (int_child_compliance).
with periods as (
    select
        period_of_care_id,
        child_key,
        period_start_date,
        period_end_date
    from {{ ref('int_cla_periods_of_care') }}
    where not is_short_break
),

calendar as (
    select
        calendar_date,
        is_working_day,
        working_day_number
    from {{ ref('england_calendar') }}
),

due_dates as (
    select
        periods.period_of_care_id,
        periods.child_key,
        periods.period_start_date,
        periods.period_end_date,
        due_days.calendar_date as iha_due_date
    from periods
    inner join calendar as start_days
        on periods.period_start_date = start_days.calendar_date
    inner join calendar as due_days
        on
            due_days.working_day_number = start_days.working_day_number + 20
            and due_days.is_working_day
),

assessments_in_time as (
    select distinct due_dates.period_of_care_id
    from due_dates
    inner join {{ ref('int_cla_health_checks_unified') }} as checks
        on
            due_dates.child_key = checks.child_key
            and checks.health_check_type = 'IHA'
            and checks.is_done
            and due_dates.period_start_date <= checks.health_check_date
            and due_dates.iha_due_date >= checks.health_check_date
),

first_assessments as (
    select
        due_dates.period_of_care_id,
        min(checks.health_check_date) as first_iha_date
    from due_dates
    inner join {{ ref('int_cla_health_checks_unified') }} as checks
        on
            due_dates.child_key = checks.child_key
            and checks.health_check_type = 'IHA'
            and checks.is_done
            and due_dates.period_start_date <= checks.health_check_date
            and (due_dates.period_end_date is null or due_dates.period_end_date > checks.health_check_date)
    group by due_dates.period_of_care_id
)

select
    due_dates.period_of_care_id,
    due_dates.child_key,
    due_dates.period_start_date,
    due_dates.period_end_date,
    due_dates.iha_due_date,
    assessments_in_time.period_of_care_id is not null as is_iha_in_time,
    first_assessments.first_iha_date
from due_dates
left join assessments_in_time
    on due_dates.period_of_care_id = assessments_in_time.period_of_care_id
left join first_assessments
    on due_dates.period_of_care_id = first_assessments.period_of_care_id
where due_dates.period_end_date is null or due_dates.period_end_date > due_dates.iha_due_date
