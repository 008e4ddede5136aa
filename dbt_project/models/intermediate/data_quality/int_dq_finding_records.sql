-- grain: one row per finding record of any dq_<defect_kind> model (child-level: never
-- published). The models share their columns (docs/decisions/0007-migration-gap-findings.md).
with finding_records as (
    {% for kind in dq_defect_kinds() -%}
        select {{ dq_finding_columns() | join(', ') }}
        from {{ ref('dq_' ~ kind) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
)

select
    defect_kind,
    source_system,
    table_name,
    child_key,
    person_id,
    record_id,
    affected_from,
    affected_to,
    detail
from finding_records
