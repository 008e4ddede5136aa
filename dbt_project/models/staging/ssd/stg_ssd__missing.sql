-- grain: one row per ssd_missing row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_missing'), 'ssd_missing') }}
)

select
    miss_table_id as table_id,
    miss_person_id as person_id,
    {{ ssd_date('miss_missing_episode_start_date') }} as missing_episode_start_date,
    miss_missing_episode_type as missing_episode_type,
    {{ ssd_date('miss_missing_episode_end_date') }} as missing_episode_end_date,
    {{ ssd_flag('miss_missing_rhi_offered') }} as is_rhi_offered,
    {{ ssd_flag('miss_missing_rhi_accepted') }} as is_rhi_accepted,
    {{ ssd_lineage_columns() }}
from latest_extract

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    table_id,
    person_id,
    missing_episode_start_date,
    missing_episode_type,
    missing_episode_end_date,
    is_rhi_offered,
    is_rhi_accepted,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__missing') }}
