-- grain: one row per ssd_cin_episodes row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cin_episodes'), 'ssd_cin_episodes') }}
)

select
    cine_referral_id as referral_id,
    cine_person_id as person_id,
    {{ ssd_date('cine_referral_date') }} as referral_date,
    {{ ssd_code('cine_cin_primary_need_code', 'primary_need') }} as primary_need,
    cine_cin_primary_need_code as primary_need_source_value,
    cine_referral_source_code as referral_source_code,
    cine_referral_source_desc as referral_source_desc,
    cine_referral_outcome_json as referral_outcome_json,
    {{ ssd_flag('cine_referral_nfa') }} as is_referral_nfa,
    cine_close_reason as close_reason,
    {{ ssd_date('cine_close_date') }} as close_date,
    cine_referral_team as referral_team,
    cine_referral_worker_id as referral_worker_id,
    {{ ssd_lineage_columns() }}
from latest_extract
