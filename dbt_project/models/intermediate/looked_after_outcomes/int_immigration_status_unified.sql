-- grain: one row per immigration status of record (one source row), across all source systems
-- Intervals: the system-of-record rule and the seam rule (macro
-- stitch_intervals_across_cutover): a status open across the cutover is one continuous
-- status whose pieces share status_stay_start_date.
with immigration_status_rows as (
    select
        source_system,
        source_row,
        person_id,
        immigration_status_id,
        immigration_status,
        immigration_status_start_date as start_date,
        immigration_status_end_date as end_date,
        source_file,
        extract_date
    from {{ ref('stg_ssd__immigration_status') }}
),

{{ stitch_intervals_across_cutover('immigration_status_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    immigration_status_id,
    immigration_status,
    upper(trim(immigration_status)) = 'UASC' as is_uasc,
    effective_start_date as immigration_status_start_date,
    effective_end_date as immigration_status_end_date,
    stay_start_date as status_stay_start_date,
    start_date as recorded_start_date,
    end_date as recorded_end_date,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover,
    source_file,
    extract_date
from stitched_intervals
