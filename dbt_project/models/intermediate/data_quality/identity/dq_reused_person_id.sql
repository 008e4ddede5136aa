-- grain: one row per person involved in a reused person id: the successor person (host)
-- whose former ids name two or more legacy persons, and each legacy person it absorbed
-- A legacy person is absorbed when a successor person names it through a "Former system
-- ID" linked identifier (or pers_legacy_id) but it is not that person's own
-- pers_legacy_id and no other successor person names it: the legacy child has no
-- successor person of its own and its migrated records sit under the host's id. When no
-- identifier was carried across, the same pair is found by matching the legacy child's
-- records with the host's migrated history (int_dq_legacy_children_under_other_ids).
with system_pairs as (
    select
        system_name as legacy_system,
        next_system as successor_system,
        cast({{ dbt.last_day('cutover_to_next', 'month') }} as date) as cutover_month_end
    from {{ ref('int_source_systems_sequenced') }}
    where next_system is not null
),

successor_persons as (
    select distinct
        source_system as successor_system,
        person_id as successor_person_id,
        trim(legacy_person_id) as own_legacy_person_id
    from {{ ref('stg_ssd__person') }}
    where person_id is not null
),

former_ids as (
    select
        source_system as successor_system,
        person_id as successor_person_id,
        trim(legacy_person_id) as former_person_id
    from {{ ref('stg_ssd__person') }}
    where legacy_person_id is not null
    union
    select
        source_system as successor_system,
        person_id as successor_person_id,
        trim(identifier_value) as former_person_id
    from {{ ref('stg_ssd__linked_identifiers') }}
    where
        lower(trim(identifier_type)) = 'former system id'
        and identifier_value is not null
),

legacy_persons as (
    select distinct
        source_system as legacy_system,
        person_id as legacy_person_id
    from {{ ref('stg_ssd__person') }}
    where person_id is not null
),

named_legacy_persons as (
    -- former ids that name a person of the system the successor migrated from
    select
        system_pairs.legacy_system,
        system_pairs.successor_system,
        system_pairs.cutover_month_end,
        former_ids.successor_person_id,
        legacy_persons.legacy_person_id
    from former_ids
    inner join system_pairs
        on former_ids.successor_system = system_pairs.successor_system
    inner join legacy_persons
        on
            system_pairs.legacy_system = legacy_persons.legacy_system
            and former_ids.former_person_id = legacy_persons.legacy_person_id
),

namings_per_legacy_person as (
    select
        legacy_system,
        successor_system,
        legacy_person_id,
        count(distinct successor_person_id) as naming_person_count
    from named_legacy_persons
    group by legacy_system, successor_system, legacy_person_id
),

hosts as (
    select
        named_legacy_persons.legacy_system,
        named_legacy_persons.successor_system,
        named_legacy_persons.successor_person_id,
        max(named_legacy_persons.cutover_month_end) as cutover_month_end
    from named_legacy_persons
    group by
        named_legacy_persons.legacy_system,
        named_legacy_persons.successor_system,
        named_legacy_persons.successor_person_id
    having count(distinct named_legacy_persons.legacy_person_id) >= 2
),

absorbed_legacy_persons as (
    select
        named_legacy_persons.legacy_system,
        named_legacy_persons.legacy_person_id,
        hosts.cutover_month_end
    from named_legacy_persons
    inner join hosts
        on
            named_legacy_persons.successor_system = hosts.successor_system
            and named_legacy_persons.successor_person_id = hosts.successor_person_id
    inner join successor_persons
        on
            named_legacy_persons.successor_system = successor_persons.successor_system
            and named_legacy_persons.successor_person_id = successor_persons.successor_person_id
    inner join namings_per_legacy_person
        on
            named_legacy_persons.legacy_system = namings_per_legacy_person.legacy_system
            and named_legacy_persons.successor_system = namings_per_legacy_person.successor_system
            and named_legacy_persons.legacy_person_id = namings_per_legacy_person.legacy_person_id
    where
        namings_per_legacy_person.naming_person_count = 1
        and (
            successor_persons.own_legacy_person_id is null
            or successor_persons.own_legacy_person_id != named_legacy_persons.legacy_person_id
        )
),

hosts_with_absorbed as (
    -- a host only counts when at least one of the children it names has no other person
    select distinct
        hosts.successor_system,
        hosts.successor_person_id,
        hosts.cutover_month_end
    from hosts
    inner join named_legacy_persons
        on
            hosts.successor_system = named_legacy_persons.successor_system
            and hosts.successor_person_id = named_legacy_persons.successor_person_id
    inner join absorbed_legacy_persons
        on
            named_legacy_persons.legacy_system = absorbed_legacy_persons.legacy_system
            and named_legacy_persons.legacy_person_id = absorbed_legacy_persons.legacy_person_id
),

record_matches as (
    -- no identifier carried across: the legacy child's records found under the host's id
    select
        children_under_other_ids.legacy_system,
        children_under_other_ids.legacy_person_id,
        children_under_other_ids.successor_system,
        children_under_other_ids.successor_person_id,
        system_pairs.cutover_month_end
    from {{ ref('int_dq_legacy_children_under_other_ids') }} as children_under_other_ids
    inner join system_pairs
        on
            children_under_other_ids.legacy_system = system_pairs.legacy_system
            and children_under_other_ids.successor_system = system_pairs.successor_system
),

flagged_persons as (
    select
        successor_system as source_system,
        successor_person_id as person_id,
        cutover_month_end,
        'successor person holds the migrated records of two or more legacy children' as detail
    from hosts_with_absorbed
    union
    select
        successor_system as source_system,
        successor_person_id as person_id,
        cutover_month_end,
        'successor person holds the migrated records of two or more legacy children' as detail
    from record_matches
    union
    select
        legacy_system as source_system,
        legacy_person_id as person_id,
        cutover_month_end,
        'legacy child has no successor person; its records are under the id of another child' as detail
    from absorbed_legacy_persons
    union
    select
        legacy_system as source_system,
        legacy_person_id as person_id,
        cutover_month_end,
        'legacy child has no successor person; its records are under the id of another child' as detail
    from record_matches
)

select
    'reused_person_id' as defect_kind,
    flagged_persons.source_system,
    'ssd_person' as table_name,
    coalesce(
        crosswalk.child_key,
        {{ dbt.concat(['flagged_persons.source_system', "':'", 'flagged_persons.person_id']) }}
    ) as child_key,
    flagged_persons.person_id,
    flagged_persons.person_id as record_id,
    flagged_persons.cutover_month_end as affected_from,
    cast(null as date) as affected_to,
    flagged_persons.detail
from flagged_persons
left join {{ ref('int_person_crosswalk') }} as crosswalk
    on
        flagged_persons.source_system = crosswalk.source_system
        and flagged_persons.person_id = crosswalk.person_id
