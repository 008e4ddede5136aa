-- grain: one row per ssd_cla_visits row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_visits'), 'ssd_cla_visits') }}
)

select
    clav_cla_visit_id as visit_id,
    clav_cla_id as cla_id,
    clav_person_id as person_id,
    {{ ssd_date('clav_cla_visit_date') }} as visit_date,
    {{ ssd_flag('clav_cla_visit_seen') }} as is_child_seen,
    {{ ssd_flag('clav_cla_visit_seen_alone') }} as is_child_seen_alone,
    {{ ssd_lineage_columns() }}
from latest_extract
