-- grain: one row per placement (stg_ssda903__episodes.placement_id), in the shape of
-- stg_ssd__cla_placement
-- A placement runs from its first episode's DECOM to its last episode's DEC (NULL while
-- open), with the first episode's placement details. The reason it ended is the last
-- episode's REASON_PLACE_CHANGE (903 records it on the episode that ends with the move).
-- 903 carries no distance: placement_distance is NULL (CLA_OUT_OF_AREA_20MI is not
-- computed from a 903 set).
with episodes as (
    select
        placement_id,
        person_id,
        episode_start_date,
        episode_ceased_date,
        place,
        place_provider,
        pl_post,
        urn,
        reason_place_change,
        starts_placement,
        source_system,
        extract_date,
        source_file,
        source_row,
        loaded_at,
        row_number() over (
            partition by source_system, placement_id
            order by episode_start_date desc, source_row desc
        ) as recency
    from {{ ref('stg_ssda903__episodes') }}
),

first_episodes as (
    select
        placement_id,
        person_id,
        episode_start_date,
        place,
        place_provider,
        pl_post,
        urn,
        source_system,
        extract_date,
        source_file,
        source_row,
        loaded_at
    from episodes
    where starts_placement
),

last_episodes as (
    select
        source_system,
        placement_id,
        episode_ceased_date,
        reason_place_change
    from episodes
    where recency = 1
)

select
    first_episodes.placement_id,
    first_episodes.episode_start_date as placement_start_date,
    {{ ssd_code('first_episodes.place', 'placement_type', 'first_episodes.source_system') }} as placement_type,
    first_episodes.place as placement_type_source_value,
    first_episodes.urn as placement_urn,
    cast(null as double precision) as placement_distance,
    first_episodes.person_id as cla_id,
    {{ ssd_code(
        'first_episodes.place_provider', 'placement_provider', 'first_episodes.source_system'
    ) }} as placement_provider,
    first_episodes.place_provider as placement_provider_source_value,
    first_episodes.pl_post as placement_postcode,
    last_episodes.episode_ceased_date as placement_end_date,
    last_episodes.reason_place_change as placement_change_reason,
    first_episodes.person_id,
    first_episodes.source_system,
    first_episodes.extract_date,
    first_episodes.source_file,
    first_episodes.source_row,
    first_episodes.loaded_at
from first_episodes
inner join last_episodes
    on
        first_episodes.source_system = last_episodes.source_system
        and first_episodes.placement_id = last_episodes.placement_id
