-- grain: one row per personal education plan review of record (one source row), across all
-- source systems. Point events: legacy PEPs dated before the cutover, successor PEPs from
-- it (macro select_events_of_record).
with pep_rows as (
    select
        source_system,
        source_row,
        person_id,
        pep_id,
        review_date as pep_review_date,
        source_file,
        extract_date
    from {{ ref('stg_ssd__cla_pep') }}
),

{{ select_events_of_record('pep_rows', 'pep_review_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    pep_id,
    pep_review_date,
    source_file,
    extract_date
from events_of_record
