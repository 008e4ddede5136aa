-- grain: one row per postcode district or sector the config's `boundary_postcodes:` lists
-- as inside the LA boundary (normalised upper case by the config loader)
select
    cast(postcode_prefix as varchar) as postcode_prefix,
    case
        when postcode_prefix like '% %' then 'sector' else 'district'
    end as prefix_kind
from {{ source('pipeline', 'la_boundary_postcodes') }}
