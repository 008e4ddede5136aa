-- grain: one row per ssd_contacts row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_contacts'), 'ssd_contacts') }}
)

select
    cont_contact_id as contact_id,
    cont_person_id as person_id,
    {{ ssd_date('cont_contact_date') }} as contact_date,
    cont_contact_source_code as contact_source_code,
    cont_contact_source_desc as contact_source_desc,
    cont_contact_outcome_json as contact_outcome_json,
    {{ ssd_lineage_columns() }}
from latest_extract
