-- grain: one row per ssd_initial_cp_conference row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_initial_cp_conference'), 'ssd_initial_cp_conference') }}
)

select
    icpc_icpc_id as icpc_id,
    icpc_icpc_meeting_id as icpc_meeting_id,
    icpc_s47_enquiry_id as s47_enquiry_id,
    icpc_person_id as person_id,
    icpc_cp_plan_id as cp_plan_id,
    icpc_referral_id as referral_id,
    {{ ssd_flag('icpc_icpc_transfer_in') }} as is_icpc_transfer_in,
    {{ ssd_date('icpc_icpc_target_date') }} as icpc_target_date,
    {{ ssd_date('icpc_icpc_date') }} as icpc_date,
    {{ ssd_flag('icpc_icpc_outcome_cp_flag') }} as is_icpc_outcome_cp,
    icpc_icpc_outcome_json as icpc_outcome_json,
    icpc_icpc_team as icpc_team,
    icpc_icpc_worker_id as icpc_worker_id,
    {{ ssd_lineage_columns() }}
from latest_extract
