-- grain: one row per involvement (case allocation to a worker) of record (one source row)
-- Intervals with the system-of-record rule and the seam rule (macro
-- stitch_intervals_across_cutover): legacy allocations before the cutover, successor
-- allocations from it (a migrated allocation open on the cutover counts from it). The
-- worker is known by the professional id of the row's own system.
with involvement_rows as (
    select
        source_system,
        source_row,
        person_id,
        involvements_id,
        professional_id,
        involvement_start_date as start_date,
        involvement_end_date as end_date
    from {{ ref('stg_ssd__involvements') }}
    where professional_id is not null
),

{{ stitch_intervals_across_cutover('involvement_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    involvements_id,
    professional_id,
    effective_start_date as involvement_start_date,
    effective_end_date as involvement_end_date,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover
from stitched_intervals
