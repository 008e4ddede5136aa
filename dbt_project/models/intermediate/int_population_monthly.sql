-- grain: one row per reported month that has a population estimate
-- The population aged 0-17 used by rates (CLA_RATE_10K, later CP and CIN rates): the
-- latest mid-year estimate with mid_year_date <= period_end for the configured LA. When
-- the population table holds no row for that LA code but holds exactly one LA (an
-- authority's own population_file under another code), that LA's estimates are used.
with months as (
    select
        period_end,
        la_code
    from {{ ref('int_months') }}
),

population as (
    select
        la_code,
        mid_year_date,
        population_0_17
    from {{ ref('stg_pipeline__la_population') }}
),

population_las as (
    select count(distinct la_code) as la_count
    from population
),

matching_estimates as (
    select
        months.period_end,
        population.mid_year_date,
        population.population_0_17,
        row_number() over (
            partition by months.period_end
            order by population.mid_year_date desc
        ) as estimate_recency
    from months
    inner join population
        on months.period_end >= population.mid_year_date
    cross join population_las
    where
        population.la_code = months.la_code
        or (
            population_las.la_count = 1
            and not exists (
                select 1
                from population as own_la
                where own_la.la_code = months.la_code
            )
        )
)

select
    period_end,
    mid_year_date,
    population_0_17
from matching_estimates
where estimate_recency = 1
