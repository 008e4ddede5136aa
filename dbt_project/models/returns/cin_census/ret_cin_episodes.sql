-- grain: one row per CIN episode (referral to closure) of a child, stitched across the
-- system changeover (a referral open at the cutover is one episode, not two)
-- Referral source and primary need come from the episode's first piece (the system that
-- took the referral); closure date and reason from its last piece.
with pieces as (
    select
        unified.child_key,
        unified.referral_date,
        unified.episode_piece_start_date,
        unified.episode_piece_end_date,
        unified.is_referral_nfa,
        unified.is_lost_at_cutover,
        episodes.referral_source_code,
        episodes.primary_need,
        episodes.close_reason,
        row_number() over (
            partition by unified.child_key, unified.referral_date
            order by unified.episode_piece_start_date, unified.source_system, unified.source_row
        ) as piece_from_first,
        row_number() over (
            partition by unified.child_key, unified.referral_date
            order by
                unified.episode_piece_start_date desc,
                unified.source_system desc,
                unified.source_row desc
        ) as piece_from_last
    from {{ ref('int_cin_episodes_unified') }} as unified
    inner join {{ ref('stg_ssd__cin_episodes') }} as episodes
        on
            unified.source_system = episodes.source_system
            and unified.source_row = episodes.source_row
),

first_pieces as (
    select
        child_key,
        referral_date,
        referral_source_code,
        primary_need,
        is_referral_nfa
    from pieces
    where piece_from_first = 1
),

last_pieces as (
    select
        child_key,
        referral_date,
        episode_piece_end_date,
        close_reason,
        is_lost_at_cutover
    from pieces
    where piece_from_last = 1
)

select
    {{ dbt.concat(['first_pieces.child_key', "'#'", 'cast(first_pieces.referral_date as varchar)']) }}
        as cin_episode_key,
    first_pieces.child_key,
    first_pieces.referral_date,
    last_pieces.episode_piece_end_date as closure_date,
    first_pieces.referral_source_code as referral_source,
    first_pieces.primary_need,
    last_pieces.close_reason as reason_for_closure,
    first_pieces.is_referral_nfa,
    last_pieces.is_lost_at_cutover
from first_pieces
inner join last_pieces
    on
        first_pieces.child_key = last_pieces.child_key
        and first_pieces.referral_date = last_pieces.referral_date
