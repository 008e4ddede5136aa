-- grain: one row per CP plan row of record (one source row), across all source systems
-- Applies the system-of-record rule and the seam rule (macro stitch_intervals_across_cutover):
-- legacy plans before the cutover, successor plans from it; a plan open across the
-- cutover is two pieces sharing plan_stay_start_date (the start in the legacy system).
with plan_rows as (
    select
        source_system,
        source_row,
        person_id,
        cp_plan_id,
        cp_plan_start_date as start_date,
        cp_plan_end_date as end_date
    from {{ ref('stg_ssd__cp_plans') }}
),

{{ stitch_intervals_across_cutover('plan_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    cp_plan_id,
    effective_start_date as plan_piece_start_date,
    effective_end_date as plan_piece_end_date,
    stay_start_date as plan_stay_start_date,
    start_date as recorded_start_date,
    end_date as recorded_end_date,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover
from stitched_intervals
