-- grain: one row per ended missing or absent episode of record (one source row), across all
-- source systems. Point events dated by the episode END (the return, when the return home
-- interview is offered): legacy episodes ending before the cutover, successor episodes
-- ending from it (macro select_events_of_record). An episode that started in the legacy
-- system but ended after its final extract is taken from the successor's migrated copy.
with missing_return_rows as (
    select
        source_system,
        source_row,
        person_id,
        table_id as missing_episode_id,
        missing_episode_start_date,
        missing_episode_end_date,
        missing_episode_type,
        is_rhi_offered,
        is_rhi_accepted,
        source_file,
        extract_date
    from {{ ref('stg_ssd__missing') }}
),

{{ select_events_of_record('missing_return_rows', 'missing_episode_end_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    missing_episode_id,
    missing_episode_start_date,
    missing_episode_end_date,
    missing_episode_type,
    lower(trim(missing_episode_type)) = 'missing' as is_missing_type,
    coalesce(is_rhi_offered, false) as is_rhi_offered,
    is_rhi_accepted,
    source_file,
    extract_date
from events_of_record
