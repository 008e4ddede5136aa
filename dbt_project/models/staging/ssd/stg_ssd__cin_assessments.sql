-- grain: one row per ssd_cin_assessments row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cin_assessments'), 'ssd_cin_assessments') }}
)

select
    cina_assessment_id as assessment_id,
    cina_person_id as person_id,
    cina_referral_id as referral_id,
    {{ ssd_date('cina_assessment_start_date') }} as assessment_start_date,
    {{ ssd_flag('cina_assessment_child_seen') }} as is_child_seen,
    {{ ssd_date('cina_assessment_auth_date') }} as assessment_auth_date,
    cina_assessment_outcome_json as assessment_outcome_json,
    {{ ssd_flag('cina_assessment_outcome_nfa') }} as is_assessment_outcome_nfa,
    cina_assessment_team as assessment_team,
    cina_assessment_worker_id as assessment_worker_id,
    {{ ssd_lineage_columns() }}
from latest_extract
