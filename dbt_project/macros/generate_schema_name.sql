{#
    A model configured with `+schema: staging` lands in schema `staging` exactly (dbt's
    default would prefix the target schema: `main_staging`). The folder decides the
    schema, and Dagster and GX read the same names on every target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
