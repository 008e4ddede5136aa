-- grain: one row per changeover (a legacy system and the successor that followed it)
-- The cutover is the successor's live_from (decision 0001): the legacy system is the
-- record for dates before it, the successor from it.
with systems as (
    select
        system_name,
        live_from,
        next_system,
        cutover_to_next
    from {{ ref('int_source_systems_sequenced') }}
)

select
    system_name as legacy_system,
    next_system as successor_system,
    cutover_to_next as cutover_date,
    cast({{ dbt.last_day('cutover_to_next', 'month') }} as date) as cutover_month_end,
    cast({{ dbt.last_day(shift_days('cutover_to_next', -1), 'month') }} as date) as last_legacy_month_end
from systems
where next_system is not null and cutover_to_next is not null
