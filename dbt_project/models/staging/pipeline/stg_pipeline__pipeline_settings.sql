-- grain: one row (the run settings of the configuration)
select
    cast(la_code as varchar) as la_code,
    cast(la_name as varchar) as la_name,
    cast(as_of_date as date) as as_of_date,
    cast(history_start as date) as history_start
from {{ source('pipeline', 'pipeline_settings') }}
