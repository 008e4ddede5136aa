-- grain: one row per indicator_code, period_end, breakdown, breakdown_value
-- ('all'/'all' is the headline row). Definitions: docs/architecture.md. The mart keeps the
-- true figures; is_suppressed marks rows a published output must show as `c`.
{# Each int_scorecard_rows__* model holds one area's indicator rows in the same shape.
    Add a model here to add its indicators to the scorecard. #}
{% set indicator_row_models = [
    'int_scorecard_rows__cla_foundation',
    'int_scorecard_rows__adoption',
    'int_scorecard_rows__care_leavers',
    'int_scorecard_rows__cla_outcomes',
    'int_scorecard_rows__cp',
    'int_scorecard_rows__cin',
    'int_scorecard_rows__workforce',
    'int_scorecard_rows__breakdowns',
] %}

with catalogue as (
    select
        indicator_code,
        unit,
        polarity
    from {{ ref('dim_indicator') }}
),

indicator_rows as (
    {% for model in indicator_row_models -%}
        select
            indicator_code,
            period_end,
            breakdown,
            breakdown_value,
            numerator,
            denominator,
            value,
            data_quality_flag
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

-- migration findings that distort an indicator-month flag all its rows (docs/decisions/0007)
migration_flags as (
    select
        indicator_code,
        period_end,
        {{ dbt.listagg("'migration_gap:' || defect_kind", "'; '", 'order by defect_kind') }}
            as migration_flag
    from (
        select distinct
            indicator_code,
            period_end,
            defect_kind
        from {{ ref('int_dq_indicator_months') }}
    ) as distorted
    group by indicator_code, period_end
),

-- targets, RAG and benchmarks describe the headline figure, so only 'all'/'all' rows get them
targets as (
    select
        indicator_code,
        target,
        tolerance
    from {{ ref('int_indicator_targets') }}
),

benchmarks as (
    select
        indicator_code,
        benchmark_year,
        england_value,
        sn_value,
        sn_neighbour_count
    from {{ ref('int_indicator_benchmarks') }}
)

select
    cast(indicator_rows.indicator_code as varchar) as indicator_code,
    cast(indicator_rows.period_end as date) as period_end,
    cast(indicator_rows.breakdown as varchar) as breakdown,
    cast(indicator_rows.breakdown_value as varchar) as breakdown_value,
    cast(indicator_rows.numerator as bigint) as numerator,
    cast(indicator_rows.denominator as double precision) as denominator,
    cast(indicator_rows.value as double precision) as value,
    cast(catalogue.unit as varchar) as unit,
    cast(catalogue.polarity as varchar) as polarity,
    cast(targets.target as double precision) as target,
    -- RAG rule (docs/decisions/0004-rag-rule.md): high is good: green at or above the
    -- target, amber down to target - tolerance, else red; low is good: mirrored.
    cast(
        case
            when indicator_rows.value is null or targets.target is null then null
            when catalogue.polarity = 'high' and indicator_rows.value >= targets.target then 'green'
            when
                catalogue.polarity = 'high'
                and indicator_rows.value >= targets.target - targets.tolerance
                then 'amber'
            when catalogue.polarity = 'high' then 'red'
            when catalogue.polarity = 'low' and indicator_rows.value <= targets.target then 'green'
            when
                catalogue.polarity = 'low'
                and indicator_rows.value <= targets.target + targets.tolerance
                then 'amber'
            when catalogue.polarity = 'low' then 'red'
        end as varchar
    ) as rag,
    cast(benchmarks.england_value as double precision) as england_value,
    cast(benchmarks.sn_value as double precision) as sn_value,
    coalesce(
        indicator_rows.numerator between 1 and 4
        or indicator_rows.denominator between 1 and 4,
        false
    ) as is_suppressed,
    cast(
        case
            when migration_flags.migration_flag is null then indicator_rows.data_quality_flag
            when indicator_rows.data_quality_flag is null then migration_flags.migration_flag
            else indicator_rows.data_quality_flag || '; ' || migration_flags.migration_flag
        end as varchar
    ) as data_quality_flag,
    cast(benchmarks.benchmark_year as varchar) as benchmark_year,
    cast(benchmarks.sn_neighbour_count as integer) as sn_neighbour_count
from indicator_rows
inner join catalogue
    on indicator_rows.indicator_code = catalogue.indicator_code
left join migration_flags
    on
        indicator_rows.indicator_code = migration_flags.indicator_code
        and indicator_rows.period_end = migration_flags.period_end
left join targets
    on
        indicator_rows.indicator_code = targets.indicator_code
        and indicator_rows.breakdown = 'all'
left join benchmarks
    on
        indicator_rows.indicator_code = benchmarks.indicator_code
        and indicator_rows.breakdown = 'all'
