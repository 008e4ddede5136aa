-- grain: one row per ssd_legal_status row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_legal_status'), 'ssd_legal_status') }}
)

select
    lega_legal_status_id as legal_status_id,
    lega_person_id as person_id,
    {{ ssd_code('lega_legal_status', 'legal_status') }} as legal_status,
    lega_legal_status as legal_status_source_value,
    {{ ssd_date('lega_legal_status_start_date') }} as legal_status_start_date,
    {{ ssd_date('lega_legal_status_end_date') }} as legal_status_end_date,
    {{ ssd_lineage_columns() }}
from latest_extract
