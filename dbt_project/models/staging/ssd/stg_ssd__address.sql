-- grain: one row per ssd_address row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_address'), 'ssd_address') }}
)

select
    addr_table_id as address_id,
    addr_person_id as person_id,
    addr_address_type as address_type,
    {{ ssd_date('addr_address_start_date') }} as address_start_date,
    {{ ssd_date('addr_address_end_date') }} as address_end_date,
    nullif(upper(trim(addr_address_postcode)), '') as address_postcode,
    {{ ssd_lineage_columns() }}
from latest_extract
