-- grain: one row per indicator the config file's `targets:` mapping overrides
select
    cast(indicator_code as varchar) as indicator_code,
    cast(target as double precision) as target,
    cast(tolerance as double precision) as tolerance
from {{ source('pipeline', 'indicator_target_overrides') }}
