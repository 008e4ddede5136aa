-- grain: one row per care-leaver contact record of record (one source row), across all
-- source systems.
-- Point events dated by the contact date (clea_care_leaver_latest_contact; macro
-- select_events_of_record): legacy records dated before the cutover, successor records
-- from it. Codes are the SSDA903 care-leaver codes the SSD holds (in touch: YES, NO,
-- REFU, NREQ, RHOM; activity: F1-F5 / P1-P5 EET, G4-G6 NEET, 0 not known), compared
-- trimmed and case-insensitively; descriptions of the three not-in-touch codes count too.
with care_leaver_rows as (
    select
        source_system,
        source_row,
        person_id,
        table_id,
        care_leaver_eligibility,
        care_leaver_in_touch,
        care_leaver_latest_contact as contact_date,
        care_leaver_accommodation,
        care_leaver_accom_suitable,
        care_leaver_activity,
        pathway_plan_review_date
    from {{ ref('stg_ssd__care_leavers') }}
),

{{ select_events_of_record('care_leaver_rows', 'contact_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    table_id as care_leaver_record_id,
    contact_date,
    care_leaver_eligibility,
    lower(trim(care_leaver_eligibility)) as eligibility_group,
    care_leaver_in_touch,
    -- unknown (empty) counts as not in touch
    coalesce(
        lower(trim(care_leaver_in_touch)) not in (
            'no', 'refu', 'nreq', 'not in touch', 'refused', 'no longer requires services'
        ),
        false
    ) as is_in_touch,
    care_leaver_accommodation,
    coalesce({{ ssd_flag('care_leaver_accom_suitable') }}, false) as is_accommodation_suitable,
    care_leaver_activity,
    coalesce(
        upper(trim(care_leaver_activity)) in ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5'),
        false
    ) as is_in_education_employment_training,
    pathway_plan_review_date
from events_of_record
