-- grain: one row per missing or away-from-placement episode of a child looked after in the
-- collection year (a child with an episode in it: the header's care leavers are not)
-- that was open at any time in the year (collection_year, child, mis_start). An episode
-- still open at 31 March is reported without its end date (rule 1012: no other data for a
-- child without an episode in the year).
with looked_after as (
    select distinct
        collection_year,
        child_key
    from {{ ref('ret_ssda903_episodes') }}
)

select distinct
    headers.collection_year,
    headers.child_key,
    headers.child,
    headers.dob,
    case when missing.missing_episode_type = 'Absent' then 'A' else 'M' end as missing,
    missing.missing_episode_start_date as mis_start,
    case
        when missing.missing_episode_end_date <= years.collection_end
            then missing.missing_episode_end_date
    end as mis_end
from {{ ref('int_missing_unified') }} as missing
inner join {{ ref('ret_ssda903_header') }} as headers
    on missing.child_key = headers.child_key
inner join looked_after
    on
        headers.collection_year = looked_after.collection_year
        and headers.child_key = looked_after.child_key
inner join {{ ref('ret_ssda903_collection_years') }} as years
    on
        headers.collection_year = years.collection_year
        and missing.missing_episode_start_date <= years.collection_end
        and (
            missing.missing_episode_end_date is null
            or missing.missing_episode_end_date >= years.collection_start
        )
