-- grain: one row per ssd_cla_care_plan row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_care_plan'), 'ssd_cla_care_plan') }}
)

select
    lacp_table_id as table_id,
    lacp_person_id as person_id,
    {{ ssd_date('lacp_cla_care_plan_start_date') }} as cla_care_plan_start_date,
    {{ ssd_date('lacp_cla_care_plan_end_date') }} as cla_care_plan_end_date,
    lacp_cla_care_plan_json as cla_care_plan_json,
    {{ ssd_lineage_columns() }}
from latest_extract
