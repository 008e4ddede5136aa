{#
    Headline rows of the per-area scorecard models (int_scorecard_rows__*). Each area
    model builds one CTE of monthly numerators and denominators (usually
    monthly_counts: one row per period_end) and then lists its indicators; these macros
    turn that list into rows with the columns every int_scorecard_rows__* model shares:
    indicator_code, period_end, breakdown, breakdown_value, numerator, denominator,
    value, data_quality_flag (stacked by marts.fct_scorecard_monthly).

    scorecard_indicator_rows(indicators, from_relation, breakdown, breakdown_value):
    one select per indicator from from_relation, joined by union all. Each indicator is
    a dict:
    - code: the indicator code (indicator_catalogue);
    - kind: how value is formed, see scorecard_indicator_value;
    - numerator: SQL expression over from_relation's columns;
    - denominator: SQL expression (omit for counts: NULL);
    - flag: SQL expression for data_quality_flag (omit: NULL), e.g.
      "case when is_partial_window then 'partial_window' end".
    breakdown is a literal ('all' for headline rows); breakdown_value an SQL expression
    ("'all'" by default, or a column of from_relation such as reason_group).

    scorecard_indicator_value(kind, numerator, denominator): the value of one indicator,
    chosen when the model compiles (kinds are fixed per indicator):
    - count: the numerator;
    - pct: 100 x numerator / denominator, NULL when the denominator is not above 0;
    - mean: numerator / denominator (e.g. days per child, cases per FTE), NULL when the
      denominator is 0;
    - rate_10k: numerator per 10,000 of the denominator (population aged 0-17), NULL
      when the denominator is 0.
    Everything is cast to double precision, so the same SQL runs on DuckDB and Postgres
    and integer counts never divide as integers.
#}
{% macro scorecard_indicator_rows(indicators, from_relation, breakdown='all', breakdown_value="'all'") -%}
    {%- for indicator in indicators %}
    select
        '{{ indicator.code }}' as indicator_code,
        period_end,
        '{{ breakdown }}' as breakdown,
        {{ breakdown_value }} as breakdown_value,
        {{ indicator.numerator }} as numerator,
        {{ indicator.get('denominator', 'cast(null as bigint)') }} as denominator,
        {{ scorecard_indicator_value(
            indicator.kind, indicator.numerator, indicator.get('denominator', 'cast(null as bigint)')
        ) }} as value,
        {{ indicator.get('flag', 'cast(null as varchar)') }} as data_quality_flag
    from {{ from_relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro scorecard_indicator_value(kind, numerator, denominator) -%}
    {%- if kind == 'count' -%}
        cast({{ numerator }} as double precision)
    {%- elif kind == 'pct' -%}
        case
            when {{ denominator }} > 0
                then 100 * cast({{ numerator }} as double precision) / cast({{ denominator }} as double precision)
        end
    {%- elif kind == 'mean' -%}
        cast({{ numerator }} as double precision) / cast(nullif({{ denominator }}, 0) as double precision)
    {%- elif kind == 'rate_10k' -%}
        cast({{ numerator }} as double precision) / cast(nullif({{ denominator }}, 0) as double precision) * 10000
    {%- else -%}
        {{ exceptions.raise_compiler_error("scorecard_indicator_value: unknown kind '" ~ kind ~ "'") }}
    {%- endif -%}
{%- endmacro %}
