-- grain: one row per source system, in the order the systems were live
-- The cutover between a system and the next one is the next one's live_from.
with source_systems as (
    select
        system_name,
        system_order,
        live_from,
        live_to
    from {{ ref('stg_pipeline__source_systems') }}
),

sequenced as (
    select
        system_name,
        system_order,
        live_from,
        live_to,
        row_number() over (order by system_order, live_from) as system_sequence,
        lag(system_name) over (order by system_order, live_from) as previous_system,
        lead(system_name) over (order by system_order, live_from) as next_system,
        lead(live_from) over (order by system_order, live_from) as next_live_from
    from source_systems
)

select
    system_name,
    system_order,
    system_sequence,
    live_from,
    live_to,
    previous_system,
    next_system,
    -- the cutover to the successor: this system is the record for dates before it
    next_live_from as cutover_to_next
from sequenced
