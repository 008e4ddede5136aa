-- grain: one row per ssd_cp_plans row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cp_plans'), 'ssd_cp_plans') }}
)

select
    cppl_cp_plan_id as cp_plan_id,
    cppl_referral_id as referral_id,
    cppl_icpc_id as icpc_id,
    cppl_person_id as person_id,
    {{ ssd_date('cppl_cp_plan_start_date') }} as cp_plan_start_date,
    {{ ssd_date('cppl_cp_plan_end_date') }} as cp_plan_end_date,
    {{ ssd_code('cppl_cp_plan_initial_category', 'cp_category') }} as cp_plan_initial_category,
    cppl_cp_plan_initial_category as cp_plan_initial_category_source_value,
    cppl_cp_plan_ola as cp_plan_ola,
    {{ ssd_code('cppl_cp_plan_latest_category', 'cp_category') }} as cp_plan_latest_category,
    cppl_cp_plan_latest_category as cp_plan_latest_category_source_value,
    {{ ssd_lineage_columns() }}
from latest_extract
