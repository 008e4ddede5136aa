-- grain: one row per ssd_cla_immunisations row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_immunisations'), 'ssd_cla_immunisations') }}
)

select
    clai_person_id as person_id,
    clai_immunisations_status as immunisations_status,
    {{ ssd_date('clai_immunisations_status_date') }} as immunisations_status_date,
    {{ ssd_lineage_columns() }}
from latest_extract
