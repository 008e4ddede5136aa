-- grain: one row per section 47 enquiry of record (one source row), dated by its start
-- Point events (macro select_events_of_record), for CIN_S47_12M.
with s47_rows as (
    select
        source_system,
        source_row,
        person_id,
        s47_enquiry_id,
        s47_start_date
    from {{ ref('stg_ssd__s47_enquiry') }}
),

{{ select_events_of_record('s47_rows', 's47_start_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    s47_enquiry_id,
    s47_start_date
from events_of_record
