-- grain: one row per child and month in which the child has a CIN episode (referral, not
-- NFA) open on period_end (CIN_COUNT; children on CP plans and looked after included)
-- Open on D: start <= D and (end is null or end > D), on the stitched episode pieces.
with months as (
    select period_end
    from {{ ref('int_months') }}
)

select distinct
    episodes.child_key,
    months.period_end
from months
inner join {{ ref('int_cin_episodes_unified') }} as episodes
    on
        months.period_end >= episodes.episode_piece_start_date
        and (
            episodes.episode_piece_end_date is null
            or months.period_end < episodes.episode_piece_end_date
        )
where not episodes.is_referral_nfa
