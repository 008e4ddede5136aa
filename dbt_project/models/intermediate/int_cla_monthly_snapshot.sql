-- grain: one row per child and month in which the child has a period of care open on period_end
-- Open on day D: start <= D and (end is null or end > D): a child who ceases on D is not
-- looked after at D. is_in_cla_count marks the CLA_COUNT cohort: legal status on
-- period_end not V3/V4 (short breaks); a child with no legal status on record counts.
with months as (
    select period_end
    from {{ ref('int_months') }}
),

open_periods as (
    select
        months.period_end,
        periods.child_key,
        periods.period_of_care_id,
        periods.period_start_date,
        periods.is_short_break,
        row_number() over (
            partition by periods.child_key, months.period_end
            order by periods.period_start_date desc
        ) as period_preference
    from months
    inner join {{ ref('int_cla_periods_of_care') }} as periods
        on
            months.period_end >= periods.period_start_date
            and (periods.period_end_date is null or months.period_end < periods.period_end_date)
),

legal_status_on_period_end as (
    select
        open_periods.child_key,
        open_periods.period_end,
        legal_statuses.legal_status,
        row_number() over (
            partition by open_periods.child_key, open_periods.period_end
            order by legal_statuses.legal_status_start_date desc, legal_statuses.source_row desc
        ) as status_preference
    from open_periods
    inner join {{ ref('int_legal_status_unified') }} as legal_statuses
        on
            open_periods.child_key = legal_statuses.child_key
            and open_periods.period_end >= legal_statuses.legal_status_start_date
            and (
                legal_statuses.legal_status_end_date is null
                or open_periods.period_end < legal_statuses.legal_status_end_date
            )
    where open_periods.period_preference = 1
)

select
    open_periods.child_key,
    open_periods.period_end,
    open_periods.period_of_care_id,
    open_periods.period_start_date,
    {{ days_between('open_periods.period_start_date', 'open_periods.period_end') }} as days_in_care,
    open_periods.is_short_break as is_short_break_period,
    legal_status_on_period_end.legal_status as legal_status_on_period_end,
    -- CLA_COUNT cohort
    coalesce(legal_status_on_period_end.legal_status not in ('V3', 'V4'), true) as is_in_cla_count
from open_periods
left join legal_status_on_period_end
    on
        open_periods.child_key = legal_status_on_period_end.child_key
        and open_periods.period_end = legal_status_on_period_end.period_end
        and legal_status_on_period_end.status_preference = 1
where open_periods.period_preference = 1
