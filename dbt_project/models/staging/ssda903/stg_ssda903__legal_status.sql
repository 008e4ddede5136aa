-- grain: one row per 903 episode (stg_ssda903__episodes), in the shape of stg_ssd__legal_status
-- Each episode holds one legal status (LS) from DECOM to DEC, so each is one legal status
-- row; consecutive rows with the same status read the same as one longer one downstream.
select
    {{ dbt.concat(["'legal-status-'", 'cast(source_row as varchar)']) }} as legal_status_id,
    person_id,
    {{ ssd_code('ls', 'legal_status', 'source_system') }} as legal_status,
    ls as legal_status_source_value,
    episode_start_date as legal_status_start_date,
    episode_ceased_date as legal_status_end_date,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__episodes') }}
