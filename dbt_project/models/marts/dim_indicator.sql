-- grain: one row per indicator in the catalogue (seed indicator_catalogue)
select
    cast(code as varchar) as indicator_code,
    cast(area as varchar) as area,
    cast(name as varchar) as indicator_name,
    cast(kind as varchar) as kind,
    cast(unit as varchar) as unit,
    cast(polarity as varchar) as polarity,
    cast(definition as varchar) as definition,
    cast(statutory_basis as varchar) as statutory_basis,
    cast(england_2025 as double precision) as england_value_2025,
    cast(lait_short_desc as varchar) as lait_short_desc
from {{ ref('indicator_catalogue') }}
