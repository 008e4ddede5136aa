-- grain: one row per complete DfE collection year (1 April to 31 March) the warehouse reports
-- A year is complete when all twelve of its months are in the month spine (int_months),
-- so a return is never built for a year that has not ended or that history does not cover.
with months as (
    select
        month_start,
        case
            when extract(month from month_start) >= 4 then extract(year from month_start)
            else extract(year from month_start) - 1
        end as start_year
    from {{ ref('int_months') }}
),

complete_years as (
    select
        cast(start_year as integer) as start_year,
        min(month_start) as collection_start
    from months
    group by start_year
    having count(*) = 12
)

select
    start_year,
    {{ dbt.concat([
        'cast(start_year as varchar)',
        "'-'",
        "right(cast(start_year + 101 as varchar), 2)",
    ]) }} as collection_year,
    collection_start,
    {{ shift_days(shift_months('collection_start', 12), -1) }} as collection_end
from complete_years
