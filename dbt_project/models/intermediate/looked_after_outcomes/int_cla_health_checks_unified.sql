-- grain: one row per CLA health check of record (one source row), across all source systems
-- Point events: legacy checks dated before the cutover, successor checks from it (macro
-- select_events_of_record). is_done: the check happened; a refused or declined check
-- (status containing "refus" or "declin") counts as not done (DfE).
with health_check_rows as (
    select
        source_system,
        source_row,
        person_id,
        health_check_id,
        health_check_type,
        health_check_type_source_value,
        health_check_date,
        health_check_status,
        source_file,
        extract_date
    from {{ ref('stg_ssd__cla_health') }}
),

{{ select_events_of_record('health_check_rows', 'health_check_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    health_check_id,
    health_check_type,
    health_check_type_source_value,
    health_check_date,
    health_check_status,
    health_check_type in ('IHA', 'RHA') as is_health_assessment,
    health_check_type = 'DENTAL' as is_dental_check,
    coalesce(
        lower(health_check_status) not like '%refus%'
        and lower(health_check_status) not like '%declin%',
        true
    ) as is_done,
    source_file,
    extract_date
from events_of_record
