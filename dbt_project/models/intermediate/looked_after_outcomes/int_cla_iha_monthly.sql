-- grain: one row per period of care and month: periods (not short breaks) starting in the
-- month's 12-month window [window_start, period_end] whose IHA due date (20th working day
-- after the start) is on or before period_end and which were still open on it
-- (CLA_IHA_20WD; each period counts).
select
    months.period_end,
    assessments.period_of_care_id,
    assessments.child_key,
    assessments.period_start_date,
    assessments.iha_due_date,
    assessments.is_iha_in_time,
    assessments.first_iha_date
from {{ ref('int_months') }} as months
inner join {{ ref('int_cla_initial_health_assessments') }} as assessments
    on
        months.window_start <= assessments.period_start_date
        and months.period_end >= assessments.period_start_date
        and months.period_end >= assessments.iha_due_date
