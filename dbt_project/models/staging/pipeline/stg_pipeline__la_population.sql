-- grain: one row per local authority and mid-year estimate
select
    trim(cast(la_code as varchar)) as la_code,
    cast(year as integer) as population_year,
    cast(mid_year_date as date) as mid_year_date,
    cast(population_0_17 as bigint) as population_0_17
from {{ source('pipeline', 'la_population') }}
