-- grain: one row per initial child protection conference of record (one source row)
-- Point events dated by the conference (macro select_events_of_record). The S47 start
-- comes from the S47 row of the same source system (its own ids), so a conference held
-- after the cutover finds the successor's migrated copy of an earlier S47.
-- working_days_from_s47_start: working days after the S47 start day up to and including
-- the conference day (England calendar).
with icpc_rows as (
    select
        source_system,
        source_row,
        person_id,
        icpc_id,
        s47_enquiry_id,
        icpc_date,
        coalesce(is_icpc_transfer_in, false) as is_icpc_transfer_in
    from {{ ref('stg_ssd__initial_cp_conference') }}
),

{{ select_events_of_record('icpc_rows', 'icpc_date') }},

s47_starts as (
    select
        source_system,
        s47_enquiry_id,
        min(s47_start_date) as s47_start_date
    from {{ ref('stg_ssd__s47_enquiry') }}
    group by source_system, s47_enquiry_id
),

calendar as (
    select
        cast(calendar_date as date) as calendar_date,
        cast(working_day_number as integer) as working_day_number
    from {{ ref('england_calendar') }}
)

select
    events_of_record.child_key,
    events_of_record.source_system,
    events_of_record.source_row,
    events_of_record.person_id,
    events_of_record.icpc_id,
    events_of_record.s47_enquiry_id,
    events_of_record.icpc_date,
    events_of_record.is_icpc_transfer_in,
    s47_starts.s47_start_date,
    icpc_day.working_day_number - s47_day.working_day_number as working_days_from_s47_start
from events_of_record
left join s47_starts
    on
        events_of_record.source_system = s47_starts.source_system
        and events_of_record.s47_enquiry_id = s47_starts.s47_enquiry_id
left join calendar as icpc_day
    on events_of_record.icpc_date = icpc_day.calendar_date
left join calendar as s47_day
    on s47_starts.s47_start_date = s47_day.calendar_date
