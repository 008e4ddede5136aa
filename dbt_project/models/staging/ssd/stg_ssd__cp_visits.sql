-- grain: one row per ssd_cp_visits row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cp_visits'), 'ssd_cp_visits') }}
)

select
    cppv_cp_visit_id as cp_visit_id,
    cppv_person_id as person_id,
    cppv_cp_plan_id as cp_plan_id,
    {{ ssd_date('cppv_cp_visit_date') }} as cp_visit_date,
    {{ ssd_flag('cppv_cp_visit_seen') }} as is_child_seen,
    {{ ssd_flag('cppv_cp_visit_seen_alone') }} as is_child_seen_alone,
    {{ ssd_flag('cppv_cp_visit_bedroom') }} as is_bedroom_seen,
    {{ ssd_lineage_columns() }}
from latest_extract
