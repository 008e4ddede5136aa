-- grain: one row per case-holding worker (source_system, professional_id) and month
-- A worker holds the involvements open on period_end (start <= D and (end null or
-- end > D)). fte_weight is the worker's full-time equivalence from ssd_professionals of
-- the same system when known (greater than 0), else 1 (counted by head).
with months as (
    select period_end
    from {{ ref('int_months') }}
),

workers as (
    select
        source_system,
        professional_id,
        max(full_time_equivalency) as full_time_equivalency
    from {{ ref('stg_ssd__professionals') }}
    group by source_system, professional_id
),

open_cases as (
    select
        months.period_end,
        involvements.source_system,
        involvements.professional_id,
        count(*) as open_case_count
    from months
    inner join {{ ref('int_involvements_unified') }} as involvements
        on
            months.period_end >= involvements.involvement_start_date
            and (
                involvements.involvement_end_date is null
                or months.period_end < involvements.involvement_end_date
            )
    group by months.period_end, involvements.source_system, involvements.professional_id
)

select
    open_cases.source_system,
    open_cases.professional_id,
    open_cases.period_end,
    open_cases.open_case_count,
    workers.full_time_equivalency,
    case
        when workers.full_time_equivalency > 0 then workers.full_time_equivalency
        else 1
    end as fte_weight,
    -- WF_CASELOAD_OVER_25
    open_cases.open_case_count > 25 as is_over_25_cases
from open_cases
left join workers
    on
        open_cases.source_system = workers.source_system
        and open_cases.professional_id = workers.professional_id
