{#
    The migration defect kinds (docs/decisions/0007-migration-gap-findings.md): each has a
    model intermediate.dq_<kind> with the common finding columns, and a row in the seed
    dq_defect_kinds. Adding a kind: write its model, add it here and to the seed.
#}
{% macro dq_defect_kinds() -%}
    {{ return([
        'missing_open_children',
        'test_records',
        'reused_person_id',
        'duplicate_person',
        'truncated_history',
        'split_period_at_cutover',
        'recording_cliff',
        'merged_duplicates',
        'defaulted_dates',
        'shifted_dates',
        'unmapped_codes',
        'emptied_fields',
        'sentinel_keys',
    ]) }}
{%- endmacro %}


{# The columns every dq_<kind> model has, in order. #}
{% macro dq_finding_columns() -%}
    {{ return([
        'defect_kind',
        'source_system',
        'table_name',
        'child_key',
        'person_id',
        'record_id',
        'affected_from',
        'affected_to',
        'detail',
    ]) }}
{%- endmacro %}
