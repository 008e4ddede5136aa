-- grain: one row per SSDA903 episode of care per child (child_key, decom), over all time
-- A 903 episode is a stretch of one period of care with one legal status and one
-- placement: a new episode starts with the period of care and on every change of legal
-- status or placement inside it (int_cla_periods_of_care, int_legal_status_unified,
-- int_cla_placements_unified, which already apply the system-of-record and seam rules).
-- A placement continued across the changeover is one placement (same stay, same details),
-- so a seam never starts an episode. An episode ends on the day the next one starts.
with periods as (
    select
        child_key,
        period_number,
        period_start_date,
        period_end_date,
        period_end_reason
    from {{ ref('int_cla_periods_of_care') }}
),

legal_statuses as (
    select
        child_key,
        legal_status_start_date,
        legal_status_end_date,
        legal_status,
        source_system,
        source_row
    from {{ ref('int_legal_status_unified') }}
    where legal_status is not null
),

placements as (
    select
        child_key,
        placement_start_date,
        placement_end_date,
        placement_stay_start_date,
        placement_type,
        placement_provider,
        placement_postcode,
        placement_urn,
        placement_change_reason,
        source_system,
        source_row
    from {{ ref('int_cla_placements_unified') }}
    where placement_type is not null
),

episode_needs as (
    select
        episodes.child_key,
        episodes.episode_start_date,
        episodes.episode_ceased_date,
        staged.primary_need,
        episodes.source_system,
        episodes.source_row
    from {{ ref('int_cla_episodes_unified') }} as episodes
    inner join {{ ref('stg_ssd__cla_episodes') }} as staged
        on
            episodes.source_system = staged.source_system
            and episodes.source_row = staged.source_row
    where staged.primary_need is not null
),

boundaries as (
    select
        child_key,
        period_number,
        period_start_date as boundary_date
    from periods
    union
    select
        periods.child_key,
        periods.period_number,
        legal_statuses.legal_status_start_date as boundary_date
    from periods
    inner join legal_statuses
        on
            periods.child_key = legal_statuses.child_key
            and periods.period_start_date < legal_statuses.legal_status_start_date
            and (
                periods.period_end_date is null
                or periods.period_end_date > legal_statuses.legal_status_start_date
            )
    union
    select
        periods.child_key,
        periods.period_number,
        placements.placement_start_date as boundary_date
    from periods
    inner join placements
        on
            periods.child_key = placements.child_key
            and periods.period_start_date < placements.placement_start_date
            and (
                periods.period_end_date is null
                or periods.period_end_date > placements.placement_start_date
            )
),

segments as (
    select
        boundaries.child_key,
        boundaries.period_number,
        boundaries.boundary_date as segment_start_date,
        coalesce(
            lead(boundaries.boundary_date) over (
                partition by boundaries.child_key, boundaries.period_number
                order by boundaries.boundary_date
            ),
            periods.period_end_date
        ) as segment_end_date
    from boundaries
    inner join periods
        on
            boundaries.child_key = periods.child_key
            and boundaries.period_number = periods.period_number
),

segment_legal_statuses as (
    -- the legal status in force on the segment's first day (the latest started, if two)
    select
        segments.child_key,
        segments.segment_start_date,
        legal_statuses.legal_status,
        row_number() over (
            partition by segments.child_key, segments.segment_start_date
            order by
                legal_statuses.legal_status_start_date desc,
                legal_statuses.source_system desc,
                legal_statuses.source_row desc
        ) as status_preference
    from segments
    inner join legal_statuses
        on
            segments.child_key = legal_statuses.child_key
            and segments.segment_start_date >= legal_statuses.legal_status_start_date
            and (
                legal_statuses.legal_status_end_date is null
                or segments.segment_start_date < legal_statuses.legal_status_end_date
            )
),

segment_placements as (
    select
        segments.child_key,
        segments.segment_start_date,
        placements.placement_stay_start_date,
        placements.placement_type,
        placements.placement_provider,
        placements.placement_postcode,
        placements.placement_urn,
        placements.placement_change_reason,
        row_number() over (
            partition by segments.child_key, segments.segment_start_date
            order by
                placements.placement_start_date desc,
                placements.source_system desc,
                placements.source_row desc
        ) as placement_preference
    from segments
    inner join placements
        on
            segments.child_key = placements.child_key
            and segments.segment_start_date >= placements.placement_start_date
            and (
                placements.placement_end_date is null
                or segments.segment_start_date < placements.placement_end_date
            )
),

segment_needs as (
    select
        segments.child_key,
        segments.segment_start_date,
        episode_needs.primary_need,
        row_number() over (
            partition by segments.child_key, segments.segment_start_date
            order by
                episode_needs.episode_start_date desc,
                episode_needs.source_system desc,
                episode_needs.source_row desc
        ) as need_preference
    from segments
    inner join episode_needs
        on
            segments.child_key = episode_needs.child_key
            and segments.segment_start_date >= episode_needs.episode_start_date
            and (
                episode_needs.episode_ceased_date is null
                or segments.segment_start_date < episode_needs.episode_ceased_date
            )
),

described_segments as (
    select
        segments.child_key,
        segments.period_number,
        segments.segment_start_date,
        segments.segment_end_date,
        segment_legal_statuses.legal_status,
        segment_needs.primary_need,
        segment_placements.placement_stay_start_date,
        segment_placements.placement_type,
        segment_placements.placement_provider,
        segment_placements.placement_postcode,
        segment_placements.placement_urn,
        segment_placements.placement_change_reason
    from segments
    left join segment_legal_statuses
        on
            segments.child_key = segment_legal_statuses.child_key
            and segments.segment_start_date = segment_legal_statuses.segment_start_date
            and segment_legal_statuses.status_preference = 1
    left join segment_placements
        on
            segments.child_key = segment_placements.child_key
            and segments.segment_start_date = segment_placements.segment_start_date
            and segment_placements.placement_preference = 1
    left join segment_needs
        on
            segments.child_key = segment_needs.child_key
            and segments.segment_start_date = segment_needs.segment_start_date
            and segment_needs.need_preference = 1
),

compared_segments as (
    select
        child_key,
        period_number,
        segment_start_date,
        segment_end_date,
        legal_status,
        primary_need,
        placement_type,
        placement_provider,
        placement_postcode,
        placement_urn,
        placement_change_reason,
        row_number() over (
            partition by child_key, period_number order by segment_start_date
        ) as segment_sequence,
        coalesce(
            legal_status
            != lag(legal_status) over (
                partition by child_key, period_number order by segment_start_date
            ),
            false
        ) as is_legal_status_change,
        coalesce(
            placement_stay_start_date
            != lag(placement_stay_start_date)
                over (
                    partition by child_key, period_number order by segment_start_date
                )
            or placement_type
            != lag(placement_type) over (
                partition by child_key, period_number order by segment_start_date
            ),
            false
        ) as is_placement_change
    from described_segments
),

episode_starts as (
    -- a boundary where neither the legal status nor the placement changed (a record split
    -- at the changeover) is not a new episode
    select
        child_key,
        period_number,
        segment_start_date,
        segment_end_date,
        legal_status,
        primary_need,
        placement_type,
        placement_provider,
        placement_postcode,
        placement_urn,
        placement_change_reason,
        segment_sequence = 1 as is_period_start,
        is_legal_status_change,
        is_placement_change,
        sum(
            case
                when segment_sequence = 1 or is_legal_status_change or is_placement_change
                    then 1
                else 0
            end
        ) over (
            partition by child_key, period_number
            order by segment_start_date
            rows between unbounded preceding and current row
        ) as episode_number
    from compared_segments
),

episodes as (
    select
        child_key,
        period_number,
        episode_number,
        min(segment_start_date) as decom,
        max(segment_start_date) as last_segment_start_date,
        max(case when is_period_start then 1 else 0 end) = 1 as is_period_start,
        max(case when is_legal_status_change then 1 else 0 end) = 1 as is_legal_status_change,
        max(case when is_placement_change then 1 else 0 end) = 1 as is_placement_change
    from episode_starts
    group by child_key, period_number, episode_number
),

episode_details as (
    select
        episodes.child_key,
        episodes.period_number,
        episodes.episode_number,
        episodes.decom,
        episodes.is_period_start,
        episodes.is_legal_status_change,
        episodes.is_placement_change,
        first_segment.legal_status,
        first_segment.primary_need,
        first_segment.placement_type,
        first_segment.placement_provider,
        first_segment.placement_postcode,
        first_segment.placement_urn,
        -- a placement split at the changeover carries its change reason on its last piece
        last_segment.placement_change_reason
    from episodes
    inner join episode_starts as first_segment
        on
            episodes.child_key = first_segment.child_key
            and episodes.period_number = first_segment.period_number
            and episodes.decom = first_segment.segment_start_date
    inner join episode_starts as last_segment
        on
            episodes.child_key = last_segment.child_key
            and episodes.period_number = last_segment.period_number
            and episodes.last_segment_start_date = last_segment.segment_start_date
),

sequenced_episodes as (
    select
        episode_details.child_key,
        episode_details.period_number,
        episode_details.episode_number,
        episode_details.decom,
        episode_details.is_period_start,
        episode_details.is_legal_status_change,
        episode_details.is_placement_change,
        episode_details.legal_status,
        episode_details.primary_need,
        episode_details.placement_type,
        episode_details.placement_provider,
        episode_details.placement_postcode,
        episode_details.placement_urn,
        episode_details.placement_change_reason,
        lead(episode_details.decom) over (
            partition by episode_details.child_key, episode_details.period_number
            order by episode_details.episode_number
        ) as next_decom,
        lead(episode_details.is_placement_change) over (
            partition by episode_details.child_key, episode_details.period_number
            order by episode_details.episode_number
        ) as next_is_placement_change,
        periods.period_end_date,
        periods.period_end_reason
    from episode_details
    inner join periods
        on
            episode_details.child_key = periods.child_key
            and episode_details.period_number = periods.period_number
)

select
    child_key,
    period_number,
    episode_number,
    decom,
    -- A3/A5 are placements for adoption with the child's current foster carers, so the
    -- carer is unchanged (T, or U with a change of legal status); the records hold no
    -- carer identity otherwise, so other moves count as a change of carer (P, B)
    case
        when is_period_start then 'S'
        when is_placement_change and placement_type in ('A3', 'A5') and is_legal_status_change
            then 'U'
        when is_placement_change and placement_type in ('A3', 'A5') then 'T'
        when is_legal_status_change and is_placement_change then 'B'
        when is_legal_status_change then 'L'
        else 'P'
    end as rne,
    legal_status as ls,
    primary_need as cin,
    placement_type as place,
    placement_provider as place_provider,
    -- DEC is the DfE field name, though a SQL keyword
    coalesce(next_decom, period_end_date) as dec,  -- noqa: RF04
    case
        when next_decom is not null then 'X1'
        else period_end_reason
    end as rec,
    -- the reason a placement ended, on the episode that ends with the move
    case when next_is_placement_change then placement_change_reason end as reason_place_change,
    placement_postcode as pl_post,
    placement_urn as urn
from sequenced_episodes
