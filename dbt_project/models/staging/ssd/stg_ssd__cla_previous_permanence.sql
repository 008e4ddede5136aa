-- grain: one row per ssd_cla_previous_permanence row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_previous_permanence'), 'ssd_cla_previous_permanence') }}
)

select
    lapp_table_id as table_id,
    lapp_person_id as person_id,
    lapp_previous_permanence_order_date as previous_permanence_order_date,
    lapp_previous_permanence_option as previous_permanence_option,
    lapp_previous_permanence_la as previous_permanence_la,
    {{ ssd_lineage_columns() }}
from latest_extract
