-- grain: one row per missing or away-from-placement episode of a child in the header that
-- was open at any time in the collection year (collection_year, child, mis_start). An
-- episode still open at 31 March is reported without its end date.
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
inner join {{ ref('ret_ssda903_collection_years') }} as years
    on
        headers.collection_year = years.collection_year
        and missing.missing_episode_start_date <= years.collection_end
        and (
            missing.missing_episode_end_date is null
            or missing.missing_episode_end_date >= years.collection_start
        )
