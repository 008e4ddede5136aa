-- grain: one row per CLA visit of record (one source row), across all source systems
-- Point events: legacy visits dated before the cutover, successor visits from it
-- (macro select_events_of_record).
with visit_rows as (
    select
        source_system,
        source_row,
        person_id,
        visit_id,
        cla_id,
        visit_date,
        is_child_seen,
        is_child_seen_alone,
        source_file,
        extract_date
    from {{ ref('stg_ssd__cla_visits') }}
),

{{ select_events_of_record('visit_rows', 'visit_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    visit_id,
    cla_id,
    visit_date,
    coalesce(is_child_seen, false) as is_child_seen,
    is_child_seen_alone,
    source_file,
    extract_date
from events_of_record
