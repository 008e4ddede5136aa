-- grain: one row per missing.csv row of the latest successfully loaded extract of each
-- ssda903 system, in the shape of stg_ssd__missing
-- MISSING is M (missing) or A (away from placement without authorisation: SSD "Absent").
-- 903 does not record return home interviews: is_rhi_offered/accepted are NULL.
with latest_extract as (
    {{ latest_extract_rows(source('ssda903', 'ssda903_missing'), 'ssda903_missing') }}
)

select
    {{ dbt.concat(["'missing-'", 'cast(_row_number as varchar)']) }} as table_id,
    trim(child) as person_id,
    {{ ssd_date('mis_start') }} as missing_episode_start_date,
    case upper(trim(missing))
        when 'M' then 'Missing'
        when 'A' then 'Absent'
    end as missing_episode_type,
    {{ ssd_date('mis_end') }} as missing_episode_end_date,
    cast(null as boolean) as is_rhi_offered,
    cast(null as boolean) as is_rhi_accepted,
    {{ ssd_lineage_columns() }}
from latest_extract
