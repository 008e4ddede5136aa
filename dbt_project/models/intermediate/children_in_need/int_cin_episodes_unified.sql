-- grain: one row per CIN episode (referral) row of record (one source row), across all
-- source systems
-- Intervals from referral date to close date, with the system-of-record rule and the seam
-- rule (macro stitch_intervals_across_cutover): an episode open across the cutover is a
-- legacy piece and the successor's migrated piece from the cutover.
with episode_rows as (
    select
        source_system,
        source_row,
        person_id,
        referral_id,
        referral_date as start_date,
        close_date as end_date,
        is_referral_nfa
    from {{ ref('stg_ssd__cin_episodes') }}
),

{{ stitch_intervals_across_cutover('episode_rows') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    referral_id,
    effective_start_date as episode_piece_start_date,
    effective_end_date as episode_piece_end_date,
    stay_start_date as referral_date,
    coalesce(is_referral_nfa, false) as is_referral_nfa,
    is_migrated_history,
    is_continued_across_cutover,
    is_seam_continuation,
    is_lost_at_cutover
from stitched_intervals
