-- grain: one row per CIN census collection year (1 April to 31 March) that the month
-- spine reaches
-- A year is complete when the spine holds its last month (March).
with months as (
    select
        month_start,
        period_end,
        extract(year from month_start)
        - case when extract(month from month_start) < 4 then 1 else 0 end as start_year
    from {{ ref('int_months') }}
),

years as (
    select
        cast(start_year as integer) as start_year,
        max(period_end) as last_period_end
    from months
    group by start_year
)

select
    {{ dbt.concat([
        'cast(start_year as varchar)',
        "'-'",
        "lpad(cast((start_year + 1) % 100 as varchar), 2, '0')",
    ]) }} as collection_year,
    start_year + 1 as census_year,
    cast({{ dbt.concat(['cast(start_year as varchar)', "'-04-01'"]) }} as date) as year_start,
    cast({{ dbt.concat(['cast(start_year + 1 as varchar)', "'-03-31'"]) }} as date) as year_end,
    last_period_end >= cast({{ dbt.concat(['cast(start_year + 1 as varchar)', "'-03-31'"]) }} as date)
        as is_complete
from years
