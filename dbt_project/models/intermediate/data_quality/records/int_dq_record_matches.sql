-- grain: one row per pre-cutover record of a migrated child in either system of a
-- changeover (legacy history of record, or successor migrated history), matched to the
-- other system's record of the same child, table and main date
-- Records share no id across systems, so a legacy record and a migrated record are the
-- same when child, table and date agree; several records on one date pair off in id
-- order. match_status: matched, legacy_only (not migrated, or migrated with another
-- date) or successor_only (migrated with a date the legacy system does not hold).
{% set same_date_keys = [
    'records.legacy_system', 'records.successor_system', 'records.system_role',
    'records.table_name', 'records.child_key', 'records.record_date'
] %}

with migrated_children as (
    select
        legacy_system,
        successor_system,
        child_key
    from {{ ref('int_dq_migrated_children') }}
),

pre_cutover_records as (
    select
        records.legacy_system,
        records.successor_system,
        records.cutover_date,
        records.system_role,
        records.table_name,
        records.child_key,
        records.person_id,
        records.record_id,
        records.record_date,
        records.end_date,
        -- the ordinal within (system pair, role, table, child, date), by record id.
        -- DuckDB partitions by a hash of those keys and sorts on one integer, not on six
        -- columns of text (at 70,000 children the join and numbering took 1.9 s, against
        -- 2.8 s). Ordered by the keys themselves, and less the rank of the first row
        -- holding them, so two groups whose hashes collide are still numbered apart.
        row_number()
            over (
                partition by {{ partition_key(same_date_keys) }}
                order by {{ same_date_keys | join(', ') }}, records.record_id
            )
        - rank()
            over (
                partition by {{ partition_key(same_date_keys) }}
                order by {{ same_date_keys | join(', ') }}
            )
        + 1 as same_date_ordinal
    from {{ ref('int_dq_dated_records') }} as records
    inner join migrated_children
        on
            records.legacy_system = migrated_children.legacy_system
            and records.successor_system = migrated_children.successor_system
            and records.child_key = migrated_children.child_key
    where records.is_before_cutover
),

legacy_records as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        table_name,
        child_key,
        person_id,
        record_id,
        record_date,
        end_date,
        same_date_ordinal
    from pre_cutover_records
    where system_role = 'legacy'
),

successor_records as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        table_name,
        child_key,
        person_id,
        record_id,
        record_date,
        end_date,
        same_date_ordinal
    from pre_cutover_records
    where system_role = 'successor'
)

select
    coalesce(legacy_records.legacy_system, successor_records.legacy_system) as legacy_system,
    coalesce(legacy_records.successor_system, successor_records.successor_system) as successor_system,
    coalesce(legacy_records.cutover_date, successor_records.cutover_date) as cutover_date,
    coalesce(legacy_records.table_name, successor_records.table_name) as table_name,
    coalesce(legacy_records.child_key, successor_records.child_key) as child_key,
    coalesce(legacy_records.record_date, successor_records.record_date) as record_date,
    legacy_records.person_id as legacy_person_id,
    legacy_records.record_id as legacy_record_id,
    legacy_records.end_date as legacy_end_date,
    successor_records.person_id as successor_person_id,
    successor_records.record_id as successor_record_id,
    successor_records.end_date as successor_end_date,
    case
        when legacy_records.record_id is null then 'successor_only'
        when successor_records.record_id is null then 'legacy_only'
        else 'matched'
    end as match_status
from legacy_records
full outer join successor_records
    on
        legacy_records.legacy_system = successor_records.legacy_system
        and legacy_records.successor_system = successor_records.successor_system
        and legacy_records.table_name = successor_records.table_name
        and legacy_records.child_key = successor_records.child_key
        and legacy_records.record_date = successor_records.record_date
        and legacy_records.same_date_ordinal = successor_records.same_date_ordinal
