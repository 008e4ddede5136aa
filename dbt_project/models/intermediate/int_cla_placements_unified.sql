-- grain: one row per CLA placement of record (one source row), across all source systems
-- Applies the system-of-record rule and the seam rule (macro stitch_intervals_across_cutover).
-- A continuous stay in one placement across the cutover is one placement: its pieces
-- share placement_stay_start_date (the start of the stay in the legacy system). A migrated
-- copy ending on the cutover day is a real move, not a seam.
with placement_rows as (
    select
        source_system,
        source_row,
        person_id,
        placement_id,
        cla_id,
        placement_start_date as start_date,
        placement_end_date as end_date,
        placement_type,
        placement_type_source_value,
        placement_provider,
        placement_postcode,
        placement_urn,
        placement_distance,
        placement_change_reason,
        source_file,
        extract_date
    from {{ ref('stg_ssd__cla_placement') }}
),

{{ stitch_intervals_across_cutover('placement_rows', continue_after_migrated_end=false) }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    placement_id,
    cla_id,
    effective_start_date as placement_start_date,
    effective_end_date as placement_end_date,
    stay_start_date as placement_stay_start_date,
    placement_type,
    placement_type_source_value,
    placement_provider,
    placement_postcode,
    placement_urn,
    placement_distance,
    placement_change_reason,
    start_date as recorded_start_date,
    end_date as recorded_end_date,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover,
    continues_source_system,
    continues_source_row,
    source_file,
    extract_date
from stitched_intervals
