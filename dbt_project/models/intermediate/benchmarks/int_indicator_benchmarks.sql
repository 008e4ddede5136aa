-- grain: one row per catalogue indicator with a published England value, for the LA in
-- the run settings (raw.pipeline_settings), so switching LA needs no seed rebuild.
-- sn_value is the mean of the LA's 10 statistical neighbours (2025 model) that have a
-- value, as LAIT computes it; it is NULL for counts, whose mean over other LAs is not
-- comparable with one LA's count.
with settings as (
    select la_code
    from {{ ref('stg_pipeline__pipeline_settings') }}
),

catalogue as (
    select
        code as indicator_code,
        unit
    from {{ ref('indicator_catalogue') }}
),

published_values as (
    select
        indicator_code,
        la_code,
        benchmark_year,
        period_end_of_benchmark,
        value
    from {{ ref('benchmark_values') }}
),

england as (
    select
        indicator_code,
        benchmark_year,
        period_end_of_benchmark,
        value as england_value
    from published_values
    where la_code = '970'
),

own_values as (
    select
        published_values.indicator_code,
        published_values.benchmark_year,
        published_values.value as la_published_value
    from published_values
    inner join settings
        on published_values.la_code = settings.la_code
),

neighbours as (
    select statistical_neighbours.sn_la_code
    from {{ ref('statistical_neighbours') }} as statistical_neighbours
    inner join settings
        on statistical_neighbours.la_code = settings.la_code
),

neighbour_means as (
    select
        published_values.indicator_code,
        published_values.benchmark_year,
        avg(published_values.value) as sn_mean,
        count(*) as neighbours_with_value
    from published_values
    inner join neighbours
        on published_values.la_code = neighbours.sn_la_code
    group by published_values.indicator_code, published_values.benchmark_year
)

select
    england.indicator_code,
    cast(england.benchmark_year as varchar) as benchmark_year,
    cast(england.period_end_of_benchmark as date) as period_end_of_benchmark,
    cast(england.england_value as double precision) as england_value,
    cast(case when catalogue.unit != 'count' then neighbour_means.sn_mean end as double precision)
        as sn_value,
    cast(
        case when catalogue.unit != 'count' then coalesce(neighbour_means.neighbours_with_value, 0) end
        as integer
    ) as sn_neighbour_count,
    cast(own_values.la_published_value as double precision) as la_published_value
from england
inner join catalogue
    on england.indicator_code = catalogue.indicator_code
left join neighbour_means
    on
        england.indicator_code = neighbour_means.indicator_code
        and england.benchmark_year = neighbour_means.benchmark_year
left join own_values
    on
        england.indicator_code = own_values.indicator_code
        and england.benchmark_year = own_values.benchmark_year
