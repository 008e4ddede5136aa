-- grain: one row per successor record of a migrated child whose main date (event date or
-- interval start) is a legacy record's date moved by one day, or with day and month
-- swapped (pairs from int_dq_date_shift_pairs)
-- Affected months: from the earlier to the later of the two dates. Before the cutover the
-- legacy date is used (decision 0001), so a pre-cutover shift distorts only its own
-- month; a swap that carries the date past the cutover distorts the months between.
with shift_pairs as (
    select
        successor_system,
        table_name,
        child_key,
        successor_person_id,
        successor_record_id,
        legacy_date,
        successor_date,
        shift_kind
    from {{ ref('int_dq_date_shift_pairs') }}
)

select
    'shifted_dates' as defect_kind,
    successor_system as source_system,
    table_name,
    child_key,
    successor_person_id as person_id,
    successor_record_id as record_id,
    cast(
        {{ dbt.last_day('case when legacy_date < successor_date then legacy_date else successor_date end', 'month') }}
        as date
    ) as affected_from,
    cast(
        {{ dbt.last_day('case when legacy_date > successor_date then legacy_date else successor_date end', 'month') }}
        as date
    ) as affected_to,
    'main date ' || shift_kind || ' against the legacy record' as detail
from shift_pairs
