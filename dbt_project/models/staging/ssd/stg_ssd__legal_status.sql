-- grain: one row per ssd_legal_status row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
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

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    legal_status_id,
    person_id,
    legal_status,
    legal_status_source_value,
    legal_status_start_date,
    legal_status_end_date,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__legal_status') }}
