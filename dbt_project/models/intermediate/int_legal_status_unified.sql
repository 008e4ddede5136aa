-- grain: one row per legal status of record (one source row), across all source systems
-- Applies the system-of-record rule and the seam rule (macro stitch_intervals_across_cutover).
with legal_status_rows as (
    select
        source_system,
        source_row,
        person_id,
        legal_status_id,
        legal_status_start_date as start_date,
        legal_status_end_date as end_date,
        legal_status,
        legal_status_source_value,
        source_file,
        extract_date
    from {{ ref('stg_ssd__legal_status') }}
),

{{ stitch_intervals_across_cutover('legal_status_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    legal_status_id,
    effective_start_date as legal_status_start_date,
    effective_end_date as legal_status_end_date,
    legal_status,
    legal_status_source_value,
    start_date as recorded_start_date,
    end_date as recorded_end_date,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover,
    source_file,
    extract_date
from stitched_intervals
