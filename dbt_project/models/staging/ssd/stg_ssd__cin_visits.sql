-- grain: one row per ssd_cin_visits row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cin_visits'), 'ssd_cin_visits') }}
)

select
    cinv_cin_visit_id as cin_visit_id,
    cinv_person_id as person_id,
    {{ ssd_date('cinv_cin_visit_date') }} as cin_visit_date,
    {{ ssd_flag('cinv_cin_visit_seen') }} as is_child_seen,
    {{ ssd_flag('cinv_cin_visit_seen_alone') }} as is_child_seen_alone,
    {{ ssd_flag('cinv_cin_visit_bedroom') }} as is_bedroom_seen,
    {{ ssd_lineage_columns() }}
from latest_extract
