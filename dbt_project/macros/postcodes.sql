{#
    UK postcodes as delivered (any case, with or without the space, full or partial).
    Placement postcodes in SSD and SSDA903 extracts are often partial: the outward code
    (district, "LU5") or district plus the inward code's digit (sector, "LU5 4").
    Placeholders (ZZZ, XX) and the ZZ99 no-fixed-abode codes are not a place: NULL.
    The patterns use SIMILAR TO, which DuckDB and PostgreSQL both support.
#}

{# The postcode district (outward code), e.g. 'LU5' for 'lu5 4xx'; NULL when not a postcode. #}
{% macro postcode_district(column) -%}
    {{ _postcode_part(column, 'district') }}
{%- endmacro %}

{# The postcode sector, e.g. 'LU5 4' for 'LU54XX'; NULL when only the district is known. #}
{% macro postcode_sector(column) -%}
    {{ _postcode_part(column, 'sector') }}
{%- endmacro %}

{% macro _postcode_part(column, part) -%}
    {%- set squeezed = "replace(upper(trim(" ~ column ~ ")), ' ', '')" -%}
    {%- set spaced = "regexp_replace(upper(trim(" ~ column ~ ")), '\\s+', ' ', 'g')" -%}
    {%- set full_district = "substring(" ~ squeezed ~ " from 1 for length(" ~ squeezed ~ ") - 3)" -%}
    case
        when {{ squeezed }} like 'ZZ%' then null
        when {{ squeezed }} similar to '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}'
        {%- if part == 'district' %}
            then {{ full_district }}
        when {{ spaced }} similar to '[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]'
            then substring({{ spaced }} from 1 for length({{ spaced }}) - 2)
        when {{ squeezed }} similar to '[A-Z]{1,2}[0-9][A-Z0-9]?' then {{ squeezed }}
        {%- else %}
            then {{ full_district }} || ' ' || substring({{ squeezed }} from length({{ squeezed }}) - 2 for 1)
        when {{ spaced }} similar to '[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]' then {{ spaced }}
        {%- endif %}
    end
{%- endmacro %}
