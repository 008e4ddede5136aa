-- grain: one row per period of care per child (child_key, period_number)
-- Episodes per child ordered by start; a new period begins at the first episode and after
-- any episode whose ceased reason is not X1 or that is followed by a gap of more than one
-- day. Period start = first episode's start; period end = last episode's ceased date
-- (NULL if open); end reason = last episode's ceased reason. A short-break period is one
-- whose legal status on its start date is V3 or V4.
with episodes as (
    select
        child_key,
        source_system,
        source_row,
        episode_start_date,
        episode_ceased_date,
        episode_start_reason,
        episode_ceased_reason,
        is_lost_at_cutover
    from {{ ref('int_cla_episodes_unified') }}
),

sequenced_episodes as (
    select
        child_key,
        episode_start_date,
        episode_ceased_date,
        episode_start_reason,
        episode_ceased_reason,
        is_lost_at_cutover,
        row_number() over (
            partition by child_key
            order by episode_start_date, episode_ceased_date nulls last, source_system, source_row
        ) as episode_sequence
    from episodes
),

episodes_with_previous as (
    select
        child_key,
        episode_start_date,
        episode_ceased_date,
        episode_start_reason,
        episode_ceased_reason,
        is_lost_at_cutover,
        episode_sequence,
        lag(episode_ceased_date) over (
            partition by child_key order by episode_sequence
        ) as previous_ceased_date,
        lag(episode_ceased_reason) over (
            partition by child_key order by episode_sequence
        ) as previous_ceased_reason
    from sequenced_episodes
),

period_boundaries as (
    select
        child_key,
        episode_start_date,
        episode_ceased_date,
        episode_start_reason,
        episode_ceased_reason,
        is_lost_at_cutover,
        episode_sequence,
        case
            when episode_sequence = 1 then 1
            -- an earlier episode still open (or ending after this one starts) overlaps it:
            -- conflicting records of one period, not a new period
            when previous_ceased_date is null then 0
            when previous_ceased_date > episode_start_date then 0
            when coalesce(previous_ceased_reason, '') != 'X1' then 1
            when {{ days_between('previous_ceased_date', 'episode_start_date') }} > 1 then 1
            else 0
        end as starts_new_period
    from episodes_with_previous
),

numbered_episodes as (
    select
        child_key,
        episode_start_date,
        episode_ceased_date,
        episode_start_reason,
        episode_ceased_reason,
        is_lost_at_cutover,
        episode_sequence,
        sum(starts_new_period) over (
            partition by child_key
            order by episode_sequence
            rows between unbounded preceding and current row
        ) as period_number
    from period_boundaries
),

period_edges as (
    select
        child_key,
        period_number,
        min(episode_sequence) as first_episode_sequence,
        max(episode_sequence) as last_episode_sequence,
        count(*) as episode_count
    from numbered_episodes
    group by child_key, period_number
),

periods as (
    select
        period_edges.child_key,
        period_edges.period_number,
        first_episode.episode_start_date as period_start_date,
        first_episode.episode_start_reason as period_start_reason,
        last_episode.episode_ceased_date as period_end_date,
        last_episode.episode_ceased_reason as period_end_reason,
        last_episode.is_lost_at_cutover,
        period_edges.episode_count
    from period_edges
    inner join numbered_episodes as first_episode
        on
            period_edges.child_key = first_episode.child_key
            and period_edges.first_episode_sequence = first_episode.episode_sequence
    inner join numbered_episodes as last_episode
        on
            period_edges.child_key = last_episode.child_key
            and period_edges.last_episode_sequence = last_episode.episode_sequence
),

legal_status_at_start as (
    select
        periods.child_key,
        periods.period_number,
        legal_statuses.legal_status,
        row_number() over (
            partition by periods.child_key, periods.period_number
            order by legal_statuses.legal_status_start_date desc, legal_statuses.source_row desc
        ) as status_preference
    from periods
    inner join {{ ref('int_legal_status_unified') }} as legal_statuses
        on
            periods.child_key = legal_statuses.child_key
            and periods.period_start_date >= legal_statuses.legal_status_start_date
            and (
                legal_statuses.legal_status_end_date is null
                or periods.period_start_date < legal_statuses.legal_status_end_date
            )
)

select
    {{ dbt.concat(['periods.child_key', "'#'", 'cast(periods.period_number as varchar)']) }} as period_of_care_id,
    periods.child_key,
    periods.period_number,
    periods.period_start_date,
    periods.period_start_reason,
    periods.period_end_date,
    periods.period_end_reason,
    periods.episode_count,
    legal_status_at_start.legal_status as legal_status_at_start,
    coalesce(legal_status_at_start.legal_status in ('V3', 'V4'), false) as is_short_break,
    periods.is_lost_at_cutover,
    children.date_of_birth,
    case
        when periods.period_end_date is not null
            then {{ age_in_years('children.date_of_birth', 'periods.period_end_date') }}
    end as age_at_period_end
from periods
left join legal_status_at_start
    on
        periods.child_key = legal_status_at_start.child_key
        and periods.period_number = legal_status_at_start.period_number
        and legal_status_at_start.status_preference = 1
left join {{ ref('int_children_resolved') }} as children
    on periods.child_key = children.child_key
