-- grain: one row per ssd_immigration_status row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_immigration_status'), 'ssd_immigration_status') }}
)

select
    immi_person_id as person_id,
    immi_immigration_status_id as immigration_status_id,
    immi_immigration_status as immigration_status,
    {{ ssd_date('immi_immigration_status_start_date') }} as immigration_status_start_date,
    {{ ssd_date('immi_immigration_status_end_date') }} as immigration_status_end_date,
    {{ ssd_lineage_columns() }}
from latest_extract

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    person_id,
    immigration_status_id,
    immigration_status,
    immigration_status_start_date,
    immigration_status_end_date,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__immigration_status') }}
