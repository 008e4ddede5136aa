-- grain: one row per ssd_professionals row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_professionals'), 'ssd_professionals') }}
)

select
    prof_professional_id as professional_id,
    prof_staff_id as staff_id,
    prof_professional_name as professional_name,
    prof_social_worker_registration_no as social_worker_registration_no,
    prof_professional_job_title as professional_job_title,
    {{ ssd_number('prof_professional_caseload', 'integer') }} as professional_caseload,
    prof_professional_department as professional_department,
    {{ ssd_number('prof_full_time_equivalency', 'double precision') }} as full_time_equivalency,
    {{ ssd_flag('prof_agency_worker_flag') }} as is_agency_worker,
    {{ ssd_lineage_columns() }}
from latest_extract
