-- grain: one row per ssd_cla_pep row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_pep'), 'ssd_cla_pep') }}
)

select
    pep_table_id as pep_id,
    pep_person_id as person_id,
    {{ ssd_date('pep_review_date') }} as review_date,
    {{ ssd_lineage_columns() }}
from latest_extract
