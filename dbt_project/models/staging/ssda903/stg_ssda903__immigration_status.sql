-- grain: one row per uasc.csv row of the latest successfully loaded extract of each
-- ssda903 system, in the shape of stg_ssd__immigration_status
-- 903 names the children who were UASC and the date the status ceased (DUC), not when it
-- began: the status is taken to run from the date of birth to DUC (DUC not included).
with latest_extract as (
    {{ latest_extract_rows(source('ssda903', 'ssda903_uasc'), 'ssda903_uasc') }}
)

select
    trim(child) as person_id,
    {{ dbt.concat(["'uasc-'", 'cast(_row_number as varchar)']) }} as immigration_status_id,
    'UASC' as immigration_status,
    {{ ssd_date('dob') }} as immigration_status_start_date,
    {{ ssd_date('duc') }} as immigration_status_end_date,
    {{ ssd_lineage_columns() }}
from latest_extract
