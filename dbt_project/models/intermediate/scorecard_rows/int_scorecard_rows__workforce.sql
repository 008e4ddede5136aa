-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- workforce indicators (headline rows 'all'/'all'): WF_CASELOAD_AVG (open allocated cases
-- per FTE of the workers holding at least one; denominator = that FTE sum) and
-- WF_CASELOAD_OVER_25 (workers holding more than 25 open cases). Definitions:
-- docs/architecture.md ("Indicator definitions: child protection, children in need,
-- workforce"). Same columns as every int_scorecard_rows__* model.
with months as (
    select period_end
    from {{ ref('int_months') }}
),

caseloads as (
    select
        period_end,
        sum(open_case_count) as open_cases,
        sum(fte_weight) as case_holder_fte,
        count(case when is_over_25_cases then 1 end) as workers_over_25_cases
    from {{ ref('int_worker_caseloads_monthly') }}
    group by period_end
),

monthly_counts as (
    select
        months.period_end,
        coalesce(caseloads.open_cases, 0) as open_cases,
        caseloads.case_holder_fte,
        coalesce(caseloads.workers_over_25_cases, 0) as workers_over_25_cases
    from months
    left join caseloads
        on months.period_end = caseloads.period_end
)

select
    'WF_CASELOAD_AVG' as indicator_code,
    period_end,
    'all' as breakdown,
    'all' as breakdown_value,
    open_cases as numerator,
    case_holder_fte as denominator,
    cast(open_cases as double precision) / cast(nullif(case_holder_fte, 0) as double precision) as value,
    cast(null as varchar) as data_quality_flag
from monthly_counts
union all
select
    'WF_CASELOAD_OVER_25' as indicator_code,
    period_end,
    'all' as breakdown,
    'all' as breakdown_value,
    workers_over_25_cases as numerator,
    cast(null as bigint) as denominator,
    cast(workers_over_25_cases as double precision) as value,
    cast(null as varchar) as data_quality_flag
from monthly_counts
