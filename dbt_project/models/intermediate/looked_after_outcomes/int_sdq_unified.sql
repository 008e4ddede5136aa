-- grain: one row per SDQ record of record (one source row), across all source systems
-- Point events: legacy SDQs completed before the cutover, successor SDQs from it (macro
-- select_events_of_record). sdq_score is the total difficulties score 0-40 (NULL when not
-- a whole number in 0-40, e.g. a reason for no score was recorded instead).
with sdq_rows as (
    select
        source_system,
        source_row,
        person_id,
        table_id as sdq_id,
        sdq_completed_date,
        sdq_reason,
        sdq_score as sdq_score_source_value,
        {{ ssd_number('sdq_score', 'integer') }} as parsed_sdq_score,
        source_file,
        extract_date
    from {{ ref('stg_ssd__sdq_scores') }}
),

{{ select_events_of_record('sdq_rows', 'sdq_completed_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    sdq_id,
    sdq_completed_date,
    sdq_reason,
    sdq_score_source_value,
    case when parsed_sdq_score between 0 and 40 then parsed_sdq_score end as sdq_score,
    source_file,
    extract_date
from events_of_record
