-- grain: one row per indicator_code, period_end, breakdown, breakdown_value
-- ('all'/'all' is the headline row). Definitions: docs/architecture.md. The mart keeps the
-- true figures; is_suppressed marks rows a published output must show as `c`.
{# Each int_scorecard_rows__* model holds one area's indicator rows in the same shape.
    Add a model here to add its indicators to the scorecard. #}
{% set indicator_row_models = [
    'int_scorecard_rows__cla_foundation',
] %}

with catalogue as (
    select
        indicator_code,
        unit,
        polarity,
        england_value_2025
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
)

select
    cast(indicator_rows.indicator_code as varchar) as indicator_code,
    cast(indicator_rows.period_end as date) as period_end,
    cast(indicator_rows.breakdown as varchar) as breakdown,
    cast(indicator_rows.breakdown_value as varchar) as breakdown_value,
    cast(indicator_rows.numerator as bigint) as numerator,
    cast(indicator_rows.denominator as bigint) as denominator,
    cast(indicator_rows.value as double precision) as value,
    cast(catalogue.unit as varchar) as unit,
    cast(catalogue.polarity as varchar) as polarity,
    -- targets and RAG ratings come with the targets seed (a later issue)
    cast(null as double precision) as target,
    cast(null as varchar) as rag,
    cast(catalogue.england_value_2025 as double precision) as england_value,
    cast(null as double precision) as sn_value,
    coalesce(
        indicator_rows.numerator between 1 and 4
        or indicator_rows.denominator between 1 and 4,
        false
    ) as is_suppressed,
    cast(indicator_rows.data_quality_flag as varchar) as data_quality_flag
from indicator_rows
inner join catalogue
    on indicator_rows.indicator_code = catalogue.indicator_code
