-- grain: one row per catalogue indicator that has a target (seed default or config override)
-- A config override replaces the default target; its tolerance replaces the default
-- tolerance when given. No tolerance anywhere means no amber band (0).
with catalogue as (
    select code as indicator_code
    from {{ ref('indicator_catalogue') }}
),

default_targets as (
    select
        indicator_code,
        target,
        tolerance
    from {{ ref('indicator_targets') }}
),

config_overrides as (
    select
        indicator_code,
        target,
        tolerance
    from {{ ref('stg_pipeline__indicator_target_overrides') }}
),

combined as (
    select
        catalogue.indicator_code,
        coalesce(config_overrides.target, default_targets.target) as target,
        coalesce(config_overrides.tolerance, default_targets.tolerance, 0) as tolerance,
        case
            when config_overrides.indicator_code is not null then 'config'
            else 'default'
        end as target_source
    from catalogue
    left join default_targets
        on catalogue.indicator_code = default_targets.indicator_code
    left join config_overrides
        on catalogue.indicator_code = config_overrides.indicator_code
)

select
    indicator_code,
    cast(target as double precision) as target,
    cast(tolerance as double precision) as tolerance,
    target_source
from combined
where target is not null
