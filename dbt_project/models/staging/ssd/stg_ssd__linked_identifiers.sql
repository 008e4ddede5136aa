-- grain: one row per ssd_linked_identifiers row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_linked_identifiers'), 'ssd_linked_identifiers') }}
)

select
    link_table_id as linked_identifier_id,
    link_person_id as person_id,
    link_identifier_type as identifier_type,
    link_identifier_value as identifier_value,
    {{ ssd_date('link_valid_from_date') }} as valid_from_date,
    {{ ssd_date('link_valid_to_date') }} as valid_to_date,
    {{ ssd_lineage_columns() }}
from latest_extract
