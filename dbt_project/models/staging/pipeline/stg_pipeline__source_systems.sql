-- grain: one row per source system named in the configuration
select
    cast(system_name as varchar) as system_name,
    cast(system_order as integer) as system_order,
    cast(live_from as date) as live_from,
    cast(live_to as date) as live_to
from {{ source('pipeline', 'source_systems') }}
