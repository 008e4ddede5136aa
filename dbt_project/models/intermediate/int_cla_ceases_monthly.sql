-- grain: one row per child and month: children counted in CLA_CEASES_12M for that month
-- CLA_CEASES_12M: children with a period of care (not short-break) whose end date is in
-- the 12-month window [window_start, period_end] and whose end reason is not X1; last
-- occasion per child (counted once), which also gives the breakdown reason_group. A
-- period closed only because the child was lost at the cutover is not a cease.
with months as (
    select
        period_end,
        window_start
    from {{ ref('int_months') }}
),

ceases_in_window as (
    select
        months.period_end,
        periods.child_key,
        periods.period_of_care_id,
        periods.period_end_date,
        periods.period_end_reason,
        periods.age_at_period_end,
        row_number() over (
            partition by periods.child_key, months.period_end
            order by periods.period_end_date desc, periods.period_start_date desc
        ) as occasion_from_last
    from months
    inner join {{ ref('int_cla_periods_of_care') }} as periods
        on
            months.window_start <= periods.period_end_date
            and months.period_end >= periods.period_end_date
    where
        not periods.is_short_break
        and not periods.is_lost_at_cutover
        and coalesce(periods.period_end_reason, '') != 'X1'
)

select
    child_key,
    period_end,
    period_of_care_id as last_period_of_care_id,
    period_end_date as last_ceased_date,
    period_end_reason as last_ceased_reason,
    age_at_period_end as age_at_last_ceasing,
    {{ cla_cease_reason_group('period_end_reason', 'age_at_period_end') }} as reason_group
from ceases_in_window
where occasion_from_last = 1
