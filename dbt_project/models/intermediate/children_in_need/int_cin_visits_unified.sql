-- grain: one row per CIN visit of record (one source row), across all source systems
-- Point events: legacy visits dated before the cutover, successor visits from it
-- (macro select_events_of_record).
with visit_rows as (
    select
        source_system,
        source_row,
        person_id,
        cin_visit_id,
        cin_visit_date,
        is_child_seen
    from {{ ref('stg_ssd__cin_visits') }}
),

{{ select_events_of_record('visit_rows', 'cin_visit_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    cin_visit_id,
    cin_visit_date,
    coalesce(is_child_seen, false) as is_child_seen
from events_of_record
