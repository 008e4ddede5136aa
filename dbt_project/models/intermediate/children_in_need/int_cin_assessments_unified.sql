-- grain: one row per authorised assessment of record (one source row), dated by its
-- authorisation
-- Point events dated by the authorisation date (macro select_events_of_record): an
-- assessment started before the cutover and authorised after it comes from the successor.
-- working_days_to_authorisation: working days after the start day up to and including the
-- authorisation day (England calendar), for CIN_ASSESS_45WD.
with assessment_rows as (
    select
        source_system,
        source_row,
        person_id,
        assessment_id,
        assessment_start_date,
        assessment_auth_date
    from {{ ref('stg_ssd__cin_assessments') }}
),

{{ select_events_of_record('assessment_rows', 'assessment_auth_date') }},

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
    events_of_record.assessment_id,
    events_of_record.assessment_start_date,
    events_of_record.assessment_auth_date,
    auth_day.working_day_number - start_day.working_day_number as working_days_to_authorisation
from events_of_record
left join calendar as start_day
    on events_of_record.assessment_start_date = start_day.calendar_date
left join calendar as auth_day
    on events_of_record.assessment_auth_date = auth_day.calendar_date
where events_of_record.assessment_start_date is not null
