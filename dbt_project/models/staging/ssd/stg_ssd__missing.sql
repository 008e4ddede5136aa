-- grain: one row per ssd_missing row of the latest successfully loaded extract of each source system
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
