-- grain: one row per ssd_cla_health row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_health'), 'ssd_cla_health') }}
)

select
    clah_health_check_id as health_check_id,
    clah_person_id as person_id,
    {{ ssd_code('clah_health_check_type', 'health_check_type') }} as health_check_type,
    clah_health_check_type as health_check_type_source_value,
    {{ ssd_date('clah_health_check_date') }} as health_check_date,
    clah_health_check_status as health_check_status,
    {{ ssd_lineage_columns() }}
from latest_extract
