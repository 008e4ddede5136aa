-- grain: one row per permanence record of record with a date placed for adoption (one
-- source row), across all source systems.
-- A permanence record holds several dates; it is taken as a point event dated by its
-- date placed for adoption (macro select_events_of_record): legacy records placed before
-- the cutover, successor records placed from it. The system of record on that date gives
-- the whole record (placement order, match and foster-carer dates: the successor holds
-- them as migrated history). Records never placed for adoption are not needed here.
with permanence_rows as (
    select
        source_system,
        source_row,
        person_id,
        table_id,
        cla_id,
        placement_order_date,
        matched_date,
        placed_for_adoption_date,
        is_adopted_by_carer,
        placed_foster_carer_date
    from {{ ref('stg_ssd__permanence') }}
),

{{ select_events_of_record('permanence_rows', 'placed_for_adoption_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    table_id as permanence_id,
    cla_id,
    placement_order_date,
    matched_date,
    placed_for_adoption_date,
    coalesce(is_adopted_by_carer, false) as is_adopted_by_carer,
    placed_foster_carer_date
from events_of_record
