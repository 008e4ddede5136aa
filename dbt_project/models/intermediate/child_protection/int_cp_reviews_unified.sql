-- grain: one row per CP review of record (one source row), across all source systems
-- Point events: legacy reviews dated before the cutover, successor reviews from it
-- (macro select_events_of_record).
with review_rows as (
    select
        source_system,
        source_row,
        person_id,
        cp_review_id,
        cp_plan_id,
        cp_review_date
    from {{ ref('stg_ssd__cp_reviews') }}
),

{{ select_events_of_record('review_rows', 'cp_review_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    cp_review_id,
    cp_plan_id,
    cp_review_date
from events_of_record
