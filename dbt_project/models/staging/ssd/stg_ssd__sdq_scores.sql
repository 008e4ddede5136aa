-- grain: one row per ssd_sdq_scores row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_sdq_scores'), 'ssd_sdq_scores') }}
)

select
    csdq_table_id as table_id,
    csdq_person_id as person_id,
    {{ ssd_date('csdq_sdq_completed_date') }} as sdq_completed_date,
    csdq_sdq_reason as sdq_reason,
    csdq_sdq_score as sdq_score,
    {{ ssd_lineage_columns() }}
from latest_extract
