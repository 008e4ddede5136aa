{#
    Access on the PostgreSQL server target (docs/architecture.md, "PostgreSQL (server)"),
    re-applied by `on-run-end` after every dbt command so the grants stay true:
    the NOLOGIN group role `bi_reader` may read the aggregate marts (present and future
    tables) and nothing else; raw, staging, intermediate, reference and restricted
    (child-level) are closed to it and to PUBLIC. A no-op on DuckDB, which has no roles.
#}
{% macro grant_bi_reader_access() -%}
    {%- if execute and target.type == 'postgres' -%}
        {%- set closed_schemas = ['raw', 'staging', 'intermediate', 'reference', 'restricted'] -%}
        {%- set statements -%}
            do $$
            begin
                if not exists (select from pg_catalog.pg_roles where rolname = 'bi_reader') then
                    create role bi_reader nologin;
                end if;
            end
            $$;
            revoke create on schema public from public;
            {% for schema in closed_schemas + ['marts'] %}
            create schema if not exists {{ schema }};
            revoke all on schema {{ schema }} from public;
            revoke all on all tables in schema {{ schema }} from public;
            {% endfor %}
            {% for schema in closed_schemas %}
            revoke all on schema {{ schema }} from bi_reader;
            revoke all on all tables in schema {{ schema }} from bi_reader;
            alter default privileges in schema {{ schema }} revoke all on tables from bi_reader;
            {% endfor %}
            grant usage on schema marts to bi_reader;
            grant select on all tables in schema marts to bi_reader;
            alter default privileges in schema marts grant select on tables to bi_reader;
        {%- endset -%}
        {%- do run_query(statements) -%}
        {{ log('postgres access: bi_reader may read marts only', info=true) }}
    {%- endif -%}
{%- endmacro %}
