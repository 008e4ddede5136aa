-- grain: one row per ssd_care_leavers row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_care_leavers'), 'ssd_care_leavers') }}
)

select
    clea_table_id as table_id,
    clea_person_id as person_id,
    clea_care_leaver_eligibility as care_leaver_eligibility,
    clea_care_leaver_in_touch as care_leaver_in_touch,
    {{ ssd_date('clea_care_leaver_latest_contact') }} as care_leaver_latest_contact,
    clea_care_leaver_accommodation as care_leaver_accommodation,
    clea_care_leaver_accom_suitable as care_leaver_accom_suitable,
    clea_care_leaver_activity as care_leaver_activity,
    {{ ssd_date('clea_pathway_plan_review_date') }} as pathway_plan_review_date,
    clea_care_leaver_personal_advisor as care_leaver_personal_advisor,
    clea_care_leaver_allocated_team as care_leaver_allocated_team,
    clea_care_leaver_worker_id as care_leaver_worker_id,
    {{ ssd_lineage_columns() }}
from latest_extract
