-- grain: one row per ssd_s47_enquiry row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_s47_enquiry'), 'ssd_s47_enquiry') }}
)

select
    s47e_s47_enquiry_id as s47_enquiry_id,
    s47e_referral_id as referral_id,
    s47e_person_id as person_id,
    {{ ssd_date('s47e_s47_start_date') }} as s47_start_date,
    {{ ssd_date('s47e_s47_end_date') }} as s47_end_date,
    {{ ssd_flag('s47e_s47_nfa') }} as is_s47_nfa,
    s47e_s47_outcome_json as s47_outcome_json,
    s47e_s47_completed_by_worker_id as s47_completed_by_worker_id,
    s47e_s47_completed_by_team as s47_completed_by_team,
    {{ ssd_lineage_columns() }}
from latest_extract
