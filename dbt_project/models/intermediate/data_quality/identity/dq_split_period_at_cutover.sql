-- grain: one row per successor record of a period of care split at the cutover: the
-- episode ceased the day before go-live (or on it), the S episode starting on go-live
-- (within a day, the seam rule's tolerance) under a new period (cla) id, and the
-- later episodes, placements, visits and reviews moved to that new period id
-- A split needs the legacy system's episode for the same child open on its last live
-- day. The pipeline's seam rule joins the two episodes again in the scorecard; the
-- finding still reports the split in the successor's data.
with system_pairs as (
    select
        system_name as legacy_system,
        next_system as successor_system,
        cutover_to_next as cutover_date,
        {{ shift_days('cutover_to_next', -1) }} as legacy_last_day,
        cast({{ dbt.last_day('cutover_to_next', 'month') }} as date) as cutover_month_end
    from {{ ref('int_source_systems_sequenced') }}
    where next_system is not null
),

crosswalk as (
    select
        source_system,
        person_id,
        child_key
    from {{ ref('int_person_crosswalk') }}
),

legacy_children_open_at_cutover as (
    select distinct
        system_pairs.successor_system,
        crosswalk.child_key
    from {{ ref('stg_ssd__cla_episodes') }} as episodes
    inner join system_pairs
        on episodes.source_system = system_pairs.legacy_system
    inner join crosswalk
        on
            episodes.source_system = crosswalk.source_system
            and episodes.person_id = crosswalk.person_id
    where
        episodes.episode_start_date <= system_pairs.legacy_last_day
        and (
            episodes.episode_ceased_date is null
            or episodes.episode_ceased_date > system_pairs.legacy_last_day
        )
),

successor_episodes as (
    select
        episodes.source_system,
        episodes.person_id,
        crosswalk.child_key,
        episodes.cla_episode_id,
        episodes.cla_id,
        episodes.episode_start_date,
        episodes.episode_start_reason,
        episodes.episode_ceased_date,
        system_pairs.cutover_date,
        system_pairs.legacy_last_day,
        system_pairs.cutover_month_end
    from {{ ref('stg_ssd__cla_episodes') }} as episodes
    inner join system_pairs
        on episodes.source_system = system_pairs.successor_system
    inner join crosswalk
        on
            episodes.source_system = crosswalk.source_system
            and episodes.person_id = crosswalk.person_id
),

split_pairs as (
    select
        ceased_episode.source_system,
        ceased_episode.person_id,
        ceased_episode.child_key,
        ceased_episode.cutover_month_end,
        ceased_episode.cla_episode_id as ceased_episode_id,
        started_episode.cla_episode_id as started_episode_id,
        started_episode.cla_id as new_cla_id,
        started_episode.cutover_date
    from successor_episodes as ceased_episode
    inner join successor_episodes as started_episode
        on
            ceased_episode.source_system = started_episode.source_system
            and ceased_episode.child_key = started_episode.child_key
            and ceased_episode.cla_episode_id != started_episode.cla_episode_id
    inner join legacy_children_open_at_cutover
        on
            ceased_episode.source_system = legacy_children_open_at_cutover.successor_system
            and ceased_episode.child_key = legacy_children_open_at_cutover.child_key
    where
        ceased_episode.episode_start_date < ceased_episode.cutover_date
        -- the seam rule's tolerance: ceased on C-1 or C, restarted within a day of C
        and ceased_episode.episode_ceased_date between ceased_episode.legacy_last_day and ceased_episode.cutover_date
        and started_episode.episode_start_date between ceased_episode.legacy_last_day
        and {{ shift_days('ceased_episode.cutover_date', 1) }}
        and started_episode.episode_start_date >= ceased_episode.episode_ceased_date
        and started_episode.episode_start_reason = 'S'
        and started_episode.cla_id is distinct from ceased_episode.cla_id
),

split_episode_records as (
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        'ssd_cla_episodes' as table_name,
        ceased_episode_id as record_id,
        'episode ceased the day before go-live, continued by a new S episode' as detail
    from split_pairs
    union all
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        'ssd_cla_episodes' as table_name,
        started_episode_id as record_id,
        'S episode started on go-live under a new period id' as detail
    from split_pairs
),

moved_episodes as (
    -- later episodes of the same period, also carried over to the new period id
    select
        split_pairs.source_system,
        episodes.person_id,
        split_pairs.child_key,
        split_pairs.cutover_month_end,
        'ssd_cla_episodes' as table_name,
        episodes.cla_episode_id as record_id,
        'later episode recorded against the new period id of a split period' as detail
    from split_pairs
    inner join {{ ref('stg_ssd__cla_episodes') }} as episodes
        on
            split_pairs.source_system = episodes.source_system
            and split_pairs.new_cla_id = episodes.cla_id
    where
        episodes.episode_start_date > split_pairs.cutover_date
        and episodes.cla_episode_id != split_pairs.started_episode_id
),

moved_placements as (
    select
        split_pairs.source_system,
        placements.person_id,
        split_pairs.child_key,
        split_pairs.cutover_month_end,
        'ssd_cla_placement' as table_name,
        placements.placement_id as record_id,
        'placement recorded against the new period id of a split period' as detail
    from split_pairs
    inner join {{ ref('stg_ssd__cla_placement') }} as placements
        on
            split_pairs.source_system = placements.source_system
            and split_pairs.new_cla_id = placements.cla_id
    where placements.placement_start_date >= split_pairs.cutover_date
),

moved_visits as (
    select
        split_pairs.source_system,
        visits.person_id,
        split_pairs.child_key,
        split_pairs.cutover_month_end,
        'ssd_cla_visits' as table_name,
        visits.visit_id as record_id,
        'visit recorded against the new period id of a split period' as detail
    from split_pairs
    inner join {{ ref('stg_ssd__cla_visits') }} as visits
        on
            split_pairs.source_system = visits.source_system
            and split_pairs.new_cla_id = visits.cla_id
    where visits.visit_date >= split_pairs.cutover_date
),

moved_reviews as (
    select
        split_pairs.source_system,
        split_pairs.person_id,
        split_pairs.child_key,
        split_pairs.cutover_month_end,
        'ssd_cla_reviews' as table_name,
        reviews.review_id as record_id,
        'review recorded against the new period id of a split period' as detail
    from split_pairs
    inner join {{ ref('stg_ssd__cla_reviews') }} as reviews
        on
            split_pairs.source_system = reviews.source_system
            and split_pairs.new_cla_id = reviews.cla_id
    where reviews.review_date >= split_pairs.cutover_date
),

split_records as (
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        table_name,
        record_id,
        detail
    from split_episode_records
    union all
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        table_name,
        record_id,
        detail
    from moved_episodes
    union all
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        table_name,
        record_id,
        detail
    from moved_placements
    union all
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        table_name,
        record_id,
        detail
    from moved_visits
    union all
    select
        source_system,
        person_id,
        child_key,
        cutover_month_end,
        table_name,
        record_id,
        detail
    from moved_reviews
)

select distinct
    'split_period_at_cutover' as defect_kind,
    source_system,
    table_name,
    child_key,
    person_id,
    record_id,
    cutover_month_end as affected_from,
    cast(null as date) as affected_to,
    detail
from split_records
