{#
    Parsing of SSD text values as delivered in raw (every contract column is text).
    Used by the staging models only.
#}

{#
    A date in any of the three contract formats, else NULL:
    `YYYY-MM-DD`, `YYYY-MM-DD hh:mm:ss[.fff]` (the time is dropped) and `DD/MM/YYYY`.
#}
{% macro ssd_date(column) -%}
    case
        when trim({{ column }}) like '____-__-__%'
            then {{ safe_cast_text('substring(trim(' ~ column ~ ') from 1 for 10)', 'date') }}
        when trim({{ column }}) like '__/__/____%'
            then {{ safe_cast_text(
                "substring(trim(" ~ column ~ ") from 7 for 4) || '-' || substring(trim(" ~ column ~ ") from 4 for 2) || '-' || substring(trim(" ~ column ~ ") from 1 for 2)",
                'date'
            ) }}
    end
{%- endmacro %}

{# A flag (Y/N, 1/0, true/false, any case) as a boolean; anything else is NULL. #}
{% macro ssd_flag(column) -%}
    case
        when lower(trim({{ column }})) in ('y', 'yes', '1', 'true', 't') then true
        when lower(trim({{ column }})) in ('n', 'no', '0', 'false', 'f') then false
    end
{%- endmacro %}

{# A number delivered as text, NULL when it does not parse. #}
{% macro ssd_number(column, data_type='double precision') -%}
    {{ safe_cast_text('trim(' ~ column ~ ')', data_type) }}
{%- endmacro %}

{#
    Cast text, giving NULL instead of an error where the adapter can (DuckDB try_cast).
    dbt's own safe_cast is a plain cast on DuckDB.
#}
{% macro safe_cast_text(expression, data_type) -%}
    {{ return(adapter.dispatch('safe_cast_text')(expression, data_type)) }}
{%- endmacro %}

{% macro default__safe_cast_text(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__safe_cast_text(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro postgres__safe_cast_text(expression, data_type) -%}
    {#- Postgres has no try_cast: cast only text of the right shape. -#}
    {%- if data_type | lower == 'date' -%}
        case when ({{ expression }}) ~ '^\d{4}-\d{2}-\d{2}$' then cast({{ expression }} as date) end
    {%- elif data_type | lower in ('integer', 'bigint', 'int', 'smallint') -%}
        case when ({{ expression }}) ~ '^[-+]?\d+$' then cast({{ expression }} as {{ data_type }}) end
    {%- elif data_type | lower in ('double precision', 'double', 'float', 'numeric', 'real') -%}
        case
            when ({{ expression }}) ~ '^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$'
                then cast({{ expression }} as {{ data_type }})
        end
    {%- else -%}
        cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#
    A coded field mapped to its reference code (seeds code_sets and code_map):
    a value already in code_sets for the field is kept (matched case-insensitively,
    returned in canonical case); else it is looked up in code_map by
    (source system, field, trimmed lower-case value); else NULL. Callers keep the
    delivered value in `<field>_source_value` so an unmapped value surfaces as a finding.
#}
{% macro ssd_code(column, code_field, source_system_column='_source_system') -%}
    coalesce(
        (
            select min(code_set.code)
            from {{ ref('code_sets') }} as code_set
            where
                code_set.code_field = '{{ code_field }}'
                and upper(code_set.code) = upper(trim({{ column }}))
        ),
        (
            select min(code_map.code)
            from {{ ref('code_map') }} as code_map
            where
                code_map.code_field = '{{ code_field }}'
                and code_map.source_system = {{ source_system_column }}
                and lower(trim(code_map.source_value)) = lower(trim({{ column }}))
        )
    )
{%- endmacro %}

{#
    The rows of one raw table that belong to the latest successfully loaded extract of
    each source system. The manifest decides which load is the latest (so a newer
    extract whose file held no rows empties that system's table); raw itself is used as
    well so a warehouse loaded without a manifest still works. Within one extract date
    the most recently loaded file wins.
#}
{% macro latest_extract_rows(relation, table_name) -%}
    select extract_rows.*
    from {{ relation }} as extract_rows
    inner join (
        select
            ranked_loads.source_system,
            ranked_loads.extract_date,
            ranked_loads.file_sha256
        from (
            select
                loads.source_system,
                loads.extract_date,
                loads.file_sha256,
                row_number() over (
                    partition by loads.source_system
                    order by loads.extract_date desc, loads.loaded_at desc, loads.file_sha256
                ) as load_recency
            from (
                select
                    raw_rows._source_system as source_system,
                    cast(raw_rows._extract_date as date) as extract_date,
                    raw_rows._file_sha256 as file_sha256,
                    max(cast(raw_rows._loaded_at as timestamp)) as loaded_at
                from {{ relation }} as raw_rows
                group by raw_rows._source_system, cast(raw_rows._extract_date as date), raw_rows._file_sha256
                union all
                select
                    manifest.source_system,
                    cast(manifest.extract_date as date) as extract_date,
                    manifest.file_sha256,
                    cast(manifest.loaded_at as timestamp) as loaded_at
                from {{ source('pipeline', '_load_manifest') }} as manifest
                where
                    lower(manifest.status) = 'loaded'
                    and replace(lower(manifest.table_name), '.csv', '') = '{{ table_name }}'
            ) as loads
        ) as ranked_loads
        where ranked_loads.load_recency = 1
    ) as latest_load
        on
            extract_rows._source_system = latest_load.source_system
            and cast(extract_rows._extract_date as date) = latest_load.extract_date
            and extract_rows._file_sha256 is not distinct from latest_load.file_sha256
{%- endmacro %}

{# The lineage every staging row carries. #}
{% macro ssd_lineage_columns() -%}
    _source_system as source_system,
    cast(_extract_date as date) as extract_date,
    _file_name as source_file,
    cast(_row_number as bigint) as source_row,
    cast(_loaded_at as timestamp) as loaded_at
{%- endmacro %}
