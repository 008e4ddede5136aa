-- grain: one row per (source_system, person_id) in any system's person extract
-- A successor person whose pers_legacy_id (or a linked identifier of type
-- "Former system ID") names a person of an earlier system gets the same child_key as
-- that person. child_key = <latest system that holds the child>:<its person id>.
{% set max_migrations = 4 %}
with systems as (
    select
        system_name,
        system_sequence
    from {{ ref('int_source_systems_sequenced') }}
),

persons as (
    select distinct
        person.source_system,
        person.person_id,
        systems.system_sequence
    from {{ ref('stg_ssd__person') }} as person
    inner join systems
        on person.source_system = systems.system_name
    where person.person_id is not null
),

former_ids as (
    select
        source_system,
        person_id,
        legacy_person_id as former_person_id
    from {{ ref('stg_ssd__person') }}
    where legacy_person_id is not null
    union
    select
        source_system,
        person_id,
        trim(identifier_value) as former_person_id
    from {{ ref('stg_ssd__linked_identifiers') }}
    where
        lower(trim(identifier_type)) = 'former system id'
        and identifier_value is not null
),

candidate_links as (
    -- the nearest earlier system holding the named id is the one migrated from; when the
    -- former ids name two persons of that system (a reused id), the lowest person id, so
    -- every engine picks the same one
    select
        successor.source_system as successor_system,
        successor.person_id as successor_person_id,
        successor.system_sequence as successor_sequence,
        legacy.source_system as legacy_system,
        legacy.person_id as legacy_person_id,
        row_number() over (
            partition by successor.source_system, successor.person_id
            order by legacy.system_sequence desc, legacy.person_id asc
        ) as legacy_preference
    from former_ids
    inner join persons as successor
        on
            former_ids.source_system = successor.source_system
            and former_ids.person_id = successor.person_id
    inner join persons as legacy
        on
            former_ids.former_person_id = legacy.person_id
            and successor.system_sequence > legacy.system_sequence
),

migration_links as (
    -- a legacy person named by two successor persons (a duplicate) follows one of them:
    -- the later system first, then the lowest person id
    select
        successor_system,
        successor_person_id,
        legacy_system,
        legacy_person_id,
        row_number() over (
            partition by legacy_system, legacy_person_id
            order by successor_sequence desc, successor_person_id asc
        ) as successor_preference
    from candidate_links
    where legacy_preference = 1
),

chosen_links as (
    select
        successor_system,
        successor_person_id,
        legacy_system,
        legacy_person_id
    from migration_links
    where successor_preference = 1
),

first_hops as (
    select
        source_system as successor_system,
        person_id as successor_person_id
    from persons
),

holders as (
    -- follow each person forward through up to {{ max_migrations }} migrations
    select
        hop_0.successor_system as source_system,
        hop_0.successor_person_id as person_id,
        coalesce(
            {% for hop in range(max_migrations, -1, -1) -%}
                hop_{{ hop }}.successor_system{{ "," if not loop.last }}
            {% endfor -%}
        ) as holder_system,
        coalesce(
            {% for hop in range(max_migrations, -1, -1) -%}
                hop_{{ hop }}.successor_person_id{{ "," if not loop.last }}
            {% endfor -%}
        ) as holder_person_id
    from first_hops as hop_0
    {% for hop in range(1, max_migrations + 1) -%}
        left join chosen_links as hop_{{ hop }}
            on
                hop_{{ hop - 1 }}.successor_system = hop_{{ hop }}.legacy_system
                and hop_{{ hop - 1 }}.successor_person_id = hop_{{ hop }}.legacy_person_id
    {% endfor -%}
)

select
    holders.source_system,
    holders.person_id,
    {{ dbt.concat(['holders.holder_system', "':'", 'holders.holder_person_id']) }} as child_key,
    holders.holder_system,
    holders.holder_person_id,
    migrated_from.legacy_system as migrated_from_system,
    migrated_from.legacy_person_id as migrated_from_person_id,
    holders.holder_system != holders.source_system as is_migrated_to_successor
from holders
left join chosen_links as migrated_from
    on
        holders.source_system = migrated_from.successor_system
        and holders.person_id = migrated_from.successor_person_id
