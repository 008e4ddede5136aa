-- grain: one row per episodes.csv row of the latest successfully loaded extract of each
-- ssda903 system: the 903 episode renamed and cast, with the placement it belongs to
-- A placement starts with the period of care (RNE S) and at every episode whose RNE says
-- the placement changed (P, T, B, U); an L episode (legal status change only) continues
-- the placement of the episode before it.
with latest_extract as (
    {{ latest_extract_rows(source('ssda903', 'ssda903_episodes'), 'ssda903_episodes') }}
),

episodes as (
    select
        trim(child) as person_id,
        {{ ssd_date('decom') }} as episode_start_date,
        upper(trim(rne)) as rne,
        upper(trim(ls)) as ls,
        upper(trim(cin)) as cin,
        upper(trim(place)) as place,
        upper(trim(place_provider)) as place_provider,
        {{ ssd_date('dec') }} as episode_ceased_date,
        upper(trim(rec)) as rec,
        upper(trim(reason_place_change)) as reason_place_change,
        trim(home_post) as home_post,
        trim(pl_post) as pl_post,
        trim(urn) as urn,
        {{ ssd_lineage_columns() }}
    from latest_extract
),

sequenced as (
    select
        person_id,
        episode_start_date,
        rne,
        ls,
        cin,
        place,
        place_provider,
        episode_ceased_date,
        rec,
        reason_place_change,
        home_post,
        pl_post,
        urn,
        source_system,
        extract_date,
        source_file,
        source_row,
        loaded_at,
        lag(episode_ceased_date) over (
            partition by source_system, person_id order by episode_start_date, source_row
        ) as previous_ceased_date,
        lag(rec) over (
            partition by source_system, person_id order by episode_start_date, source_row
        ) as previous_rec
    from episodes
),

placement_starts as (
    select
        person_id,
        episode_start_date,
        rne,
        ls,
        cin,
        place,
        place_provider,
        episode_ceased_date,
        rec,
        reason_place_change,
        home_post,
        pl_post,
        urn,
        source_system,
        extract_date,
        source_file,
        source_row,
        loaded_at,
        case
            when previous_ceased_date is null then 1
            when rne != 'L' then 1
            when coalesce(previous_rec, '') != 'X1' then 1
            when previous_ceased_date != episode_start_date then 1
            else 0
        end as starts_placement
    from sequenced
),

numbered as (
    select
        person_id,
        episode_start_date,
        rne,
        ls,
        cin,
        place,
        place_provider,
        episode_ceased_date,
        rec,
        reason_place_change,
        home_post,
        pl_post,
        urn,
        source_system,
        extract_date,
        source_file,
        source_row,
        loaded_at,
        starts_placement,
        sum(starts_placement) over (
            partition by source_system, person_id
            order by episode_start_date, source_row
            rows between unbounded preceding and current row
        ) as placement_number
    from placement_starts
)

select
    person_id,
    episode_start_date,
    rne,
    ls,
    cin,
    place,
    place_provider,
    episode_ceased_date,
    rec,
    reason_place_change,
    home_post,
    pl_post,
    urn,
    starts_placement = 1 as starts_placement,
    {{ dbt.concat(["'placement-'", 'person_id', "'-'", 'cast(placement_number as varchar)']) }} as placement_id,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from numbered
