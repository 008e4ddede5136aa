-- grain: one row per child migrated across a changeover (a successor person whose former
-- system id names a person of the legacy system)
with pairs as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        cutover_month_end
    from {{ ref('int_dq_system_pairs') }}
),

crosswalk as (
    select
        source_system,
        person_id,
        child_key,
        migrated_from_system,
        migrated_from_person_id
    from {{ ref('int_person_crosswalk') }}
)

select
    pairs.legacy_system,
    pairs.successor_system,
    pairs.cutover_date,
    pairs.cutover_month_end,
    crosswalk.child_key,
    crosswalk.migrated_from_person_id as legacy_person_id,
    crosswalk.person_id as successor_person_id
from crosswalk
inner join pairs
    on
        crosswalk.source_system = pairs.successor_system
        and crosswalk.migrated_from_system = pairs.legacy_system
