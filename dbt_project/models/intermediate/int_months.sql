-- grain: one row per reported calendar month (period_end = the month's last day)
-- Months run from the first month starting on or after history start to the last month
-- ending on or before as_of_date. The 12-month window of a month is
-- [first day of the month 11 months earlier, period_end].
with settings as (
    select
        max(la_code) as la_code,
        max(as_of_date) as as_of_date,
        max(history_start) as configured_history_start
    from {{ ref('stg_pipeline__pipeline_settings') }}
),

first_live as (
    select min(live_from) as first_live_from
    from {{ ref('stg_pipeline__source_systems') }}
),

bounds as (
    select
        settings.la_code,
        settings.as_of_date,
        coalesce(settings.configured_history_start, first_live.first_live_from) as history_start
    from settings
    cross join first_live
),

first_month as (
    select
        la_code,
        as_of_date,
        history_start,
        case
            when extract(day from history_start) = 1 then history_start
            else {{ shift_months(dbt.date_trunc('month', 'history_start'), 1) }}
        end as first_month_start
    from bounds
),

month_numbers as (
    {{ dbt.generate_series(1200) }}
),

months as (
    select
        first_month.la_code,
        first_month.history_start,
        first_month.as_of_date,
        {{ shift_months('first_month.first_month_start', 'month_numbers.generated_number - 1') }} as month_start
    from first_month
    cross join month_numbers
)

select
    month_start,
    cast({{ dbt.last_day('month_start', 'month') }} as date) as period_end,
    {{ shift_months('month_start', -11) }} as window_start,
    history_start,
    as_of_date,
    la_code,
    {{ shift_months('month_start', -11) }} < history_start as is_partial_window
from months
where cast({{ dbt.last_day('month_start', 'month') }} as date) <= as_of_date
