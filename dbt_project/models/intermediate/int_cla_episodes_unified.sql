-- grain: one row per CLA episode of record (one source row), across all source systems
-- Applies the system-of-record rule and the seam rule (macro stitch_intervals_across_cutover):
-- legacy episodes before the cutover, successor episodes from it; an episode continued
-- across the cutover ends where its continuation starts and its ceased reason becomes X1.
with episode_rows as (
    select
        source_system,
        source_row,
        person_id,
        cla_episode_id,
        cla_id,
        episode_start_date as start_date,
        episode_ceased_date as end_date,
        episode_start_reason,
        episode_start_reason_source_value,
        episode_ceased_reason,
        episode_ceased_reason_source_value,
        source_file,
        extract_date
    from {{ ref('stg_ssd__cla_episodes') }}
),

{{ stitch_intervals_across_cutover('episode_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    cla_episode_id,
    cla_id,
    effective_start_date as episode_start_date,
    effective_end_date as episode_ceased_date,
    episode_start_reason,
    case when is_continued_across_cutover then 'X1' else episode_ceased_reason end as episode_ceased_reason,
    start_date as recorded_start_date,
    end_date as recorded_ceased_date,
    episode_ceased_reason as recorded_ceased_reason,
    episode_start_reason_source_value,
    episode_ceased_reason_source_value,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover,
    continues_source_system,
    continues_source_row,
    source_file,
    extract_date
from stitched_intervals
