-- grain: one row per ssd_cin_plans row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cin_plans'), 'ssd_cin_plans') }}
)

select
    cinp_cin_plan_id as cin_plan_id,
    cinp_referral_id as referral_id,
    cinp_person_id as person_id,
    {{ ssd_date('cinp_cin_plan_start_date') }} as cin_plan_start_date,
    {{ ssd_date('cinp_cin_plan_end_date') }} as cin_plan_end_date,
    cinp_cin_plan_team as cin_plan_team,
    cinp_cin_plan_worker_id as cin_plan_worker_id,
    {{ ssd_lineage_columns() }}
from latest_extract
