-- grain: one row per child and month: children counted in CLA_STARTS_12M for that month
-- CLA_STARTS_12M: children with a period of care (not short-break) starting in the
-- 12-month window [window_start, period_end]; first occasion per child (counted once).
with months as (
    select
        period_end,
        window_start
    from {{ ref('int_months') }}
),

starts_in_window as (
    select
        months.period_end,
        periods.child_key,
        periods.period_of_care_id,
        periods.period_start_date,
        row_number() over (
            partition by periods.child_key, months.period_end
            order by periods.period_start_date
        ) as occasion
    from months
    inner join {{ ref('int_cla_periods_of_care') }} as periods
        on
            months.window_start <= periods.period_start_date
            and months.period_end >= periods.period_start_date
    where not periods.is_short_break
)

select
    child_key,
    period_end,
    period_of_care_id as first_period_of_care_id,
    period_start_date as first_start_date
from starts_in_window
where occasion = 1
