-- grain: one row per CIN plan row of record (one source row), across all source systems
-- Intervals with the system-of-record rule and the seam rule (macro
-- stitch_intervals_across_cutover); a plan open across the cutover is two pieces sharing
-- plan_stay_start_date.
with plan_rows as (
    select
        source_system,
        source_row,
        person_id,
        cin_plan_id,
        cin_plan_start_date as start_date,
        cin_plan_end_date as end_date
    from {{ ref('stg_ssd__cin_plans') }}
),

{{ stitch_intervals_across_cutover('plan_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    cin_plan_id,
    effective_start_date as plan_piece_start_date,
    effective_end_date as plan_piece_end_date,
    stay_start_date as plan_stay_start_date,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover
from stitched_intervals
