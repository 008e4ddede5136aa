-- grain: one row per pair of a legacy pre-cutover record and a successor record of the
-- same migrated child and table whose main dates differ by one day or by a day-month swap
-- Pairs a legacy record that has no migrated counterpart on its date with a successor
-- record that has no legacy counterpart (a migrated record, or one dated after the
-- cutover, where a swap may carry a migrated date), one day either side or with day and
-- month swapped. Each record pairs with at most one record of the other system (one-day
-- shifts first). A child whose whole history of the table is missing is truncated
-- history, not this. Read by dq_shifted_dates, and by dq_merged_duplicates so a moved
-- date is not taken for a merge.
with matches as (
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date,
        legacy_record_id,
        successor_person_id,
        successor_record_id,
        match_status
    from {{ ref('int_dq_record_matches') }}
),

migrated_children as (
    select
        legacy_system,
        successor_system,
        child_key
    from {{ ref('int_dq_migrated_children') }}
),

migrated_tables as (
    select distinct
        legacy_system,
        successor_system,
        table_name,
        child_key
    from matches
    where successor_record_id is not null
),

unmatched_legacy_records as (
    select
        matches.legacy_system,
        matches.successor_system,
        matches.table_name,
        matches.child_key,
        matches.record_date,
        matches.legacy_record_id
    from matches
    inner join migrated_tables
        on
            matches.legacy_system = migrated_tables.legacy_system
            and matches.successor_system = migrated_tables.successor_system
            and matches.table_name = migrated_tables.table_name
            and matches.child_key = migrated_tables.child_key
    where matches.match_status = 'legacy_only'
),

unmatched_successor_records as (
    -- migrated records with no legacy counterpart, and records dated after the cutover
    -- (which no legacy record can match)
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        record_date,
        successor_person_id as person_id,
        successor_record_id as record_id
    from matches
    where match_status = 'successor_only'
    union all
    select
        records.legacy_system,
        records.successor_system,
        records.table_name,
        records.child_key,
        records.record_date,
        records.person_id,
        records.record_id
    from {{ ref('int_dq_dated_records') }} as records
    inner join migrated_children
        on
            records.legacy_system = migrated_children.legacy_system
            and records.successor_system = migrated_children.successor_system
            and records.child_key = migrated_children.child_key
    where records.system_role = 'successor' and not records.is_before_cutover
),

candidate_shifts as (
    select
        unmatched_successor_records.legacy_system,
        unmatched_successor_records.successor_system,
        unmatched_successor_records.table_name,
        unmatched_successor_records.child_key,
        unmatched_successor_records.person_id,
        unmatched_successor_records.record_id,
        unmatched_legacy_records.legacy_record_id,
        unmatched_legacy_records.record_date as legacy_date,
        unmatched_successor_records.record_date as successor_date,
        case
            when
                abs({{ days_between(
                    'unmatched_legacy_records.record_date', 'unmatched_successor_records.record_date'
                ) }}) = 1
                then 'shifted by one day'
            else 'day and month swapped'
        end as shift_kind
    from unmatched_legacy_records
    inner join unmatched_successor_records
        on
            unmatched_legacy_records.legacy_system = unmatched_successor_records.legacy_system
            and unmatched_legacy_records.successor_system = unmatched_successor_records.successor_system
            and unmatched_legacy_records.table_name = unmatched_successor_records.table_name
            and unmatched_legacy_records.child_key = unmatched_successor_records.child_key
    where
        abs({{ days_between(
            'unmatched_legacy_records.record_date', 'unmatched_successor_records.record_date'
        ) }}) = 1
        or (
            extract(year from unmatched_successor_records.record_date)
            = extract(year from unmatched_legacy_records.record_date)
            and extract(month from unmatched_successor_records.record_date)
            = extract(day from unmatched_legacy_records.record_date)
            and extract(day from unmatched_successor_records.record_date)
            = extract(month from unmatched_legacy_records.record_date)
            and extract(day from unmatched_legacy_records.record_date)
            != extract(month from unmatched_legacy_records.record_date)
        )
),

ranked_shifts as (
    -- each record pairs with at most one record of the other system (one-day shifts first)
    select
        legacy_system,
        successor_system,
        table_name,
        child_key,
        person_id,
        record_id,
        legacy_record_id,
        legacy_date,
        successor_date,
        shift_kind,
        row_number() over (
            partition by legacy_system, successor_system, table_name, record_id
            order by shift_kind desc, legacy_date asc, legacy_record_id asc
        ) as successor_preference,
        row_number() over (
            partition by legacy_system, successor_system, table_name, legacy_record_id
            order by shift_kind desc, successor_date asc, record_id asc
        ) as legacy_preference
    from candidate_shifts
)

select
    legacy_system,
    successor_system,
    table_name,
    child_key,
    person_id as successor_person_id,
    record_id as successor_record_id,
    legacy_record_id,
    legacy_date,
    successor_date,
    shift_kind
from ranked_shifts
where successor_preference = 1 and legacy_preference = 1
