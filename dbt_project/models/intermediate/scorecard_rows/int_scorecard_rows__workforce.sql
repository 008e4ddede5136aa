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
        -- summed as an exact decimal: a sum of doubles depends on the order DuckDB's
        -- threads add them, so a rerun on the same input could differ in the last digit
        cast(sum(cast(fte_weight as decimal(18, 4))) as double precision) as case_holder_fte,
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

{#- WF_CASELOAD_AVG: open cases per FTE of the case holders (a decimal denominator);
    WF_CASELOAD_OVER_25: workers holding more than 25. Kinds: macros/scorecard_rows.sql -#}
{%- set indicators = [
    {'code': 'WF_CASELOAD_AVG', 'kind': 'mean', 'numerator': 'open_cases', 'denominator': 'case_holder_fte'},
    {'code': 'WF_CASELOAD_OVER_25', 'kind': 'count', 'numerator': 'workers_over_25_cases'},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
