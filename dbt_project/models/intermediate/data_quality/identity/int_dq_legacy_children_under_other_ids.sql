-- grain: one row per (legacy person, successor person) where a legacy child that no
-- successor person names holds migrated records under that successor person's id
-- Used where the migration re-pointed a child's records to another child's person id
-- without carrying the "Former system ID" across, so no identifier reveals it. A legacy
-- record and a successor record dated before the cutover are the same record when they
-- share table, date and code. A match counts only when the successor person's own legacy
-- child (the one it names) has no such record: a coincidence between two children's
-- histories is then explained by the host's own history and ignored. At least two such
-- records, and at least half of the legacy child's records, must match.
with system_pairs as (
    select
        system_name as legacy_system,
        next_system as successor_system,
        cutover_to_next as cutover_date
    from {{ ref('int_source_systems_sequenced') }}
    where next_system is not null
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

dated_records as (
    -- the records a migration carries across, each reduced to (table, date, code)
    select
        source_system,
        person_id,
        'ssd_contacts' as table_name,
        contact_date as record_date,
        '' as record_code
    from {{ ref('stg_ssd__contacts') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cin_episodes' as table_name,
        referral_date as record_date,
        coalesce(primary_need, '') as record_code
    from {{ ref('stg_ssd__cin_episodes') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cin_assessments' as table_name,
        assessment_start_date as record_date,
        '' as record_code
    from {{ ref('stg_ssd__cin_assessments') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cp_plans' as table_name,
        cp_plan_start_date as record_date,
        coalesce(cp_plan_initial_category, '') as record_code
    from {{ ref('stg_ssd__cp_plans') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cla_episodes' as table_name,
        episode_start_date as record_date,
        coalesce(episode_start_reason, '') as record_code
    from {{ ref('stg_ssd__cla_episodes') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cla_placement' as table_name,
        placement_start_date as record_date,
        coalesce(placement_type, '') as record_code
    from {{ ref('stg_ssd__cla_placement') }}
    union all
    select
        source_system,
        person_id,
        'ssd_legal_status' as table_name,
        legal_status_start_date as record_date,
        coalesce(legal_status, '') as record_code
    from {{ ref('stg_ssd__legal_status') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cla_visits' as table_name,
        visit_date as record_date,
        '' as record_code
    from {{ ref('stg_ssd__cla_visits') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cp_visits' as table_name,
        cp_visit_date as record_date,
        '' as record_code
    from {{ ref('stg_ssd__cp_visits') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cin_visits' as table_name,
        cin_visit_date as record_date,
        '' as record_code
    from {{ ref('stg_ssd__cin_visits') }}
),

unnamed_legacy_records as (
    -- records of legacy children no successor person names
    select distinct
        system_pairs.legacy_system,
        system_pairs.successor_system,
        dated_records.person_id as legacy_person_id,
        dated_records.table_name,
        dated_records.record_date,
        dated_records.record_code
    from dated_records
    inner join system_pairs
        on dated_records.source_system = system_pairs.legacy_system
    left join former_ids
        on
            system_pairs.successor_system = former_ids.successor_system
            and dated_records.person_id = former_ids.former_person_id
    where
        dated_records.person_id is not null
        and dated_records.record_date < system_pairs.cutover_date
        and former_ids.former_person_id is null
),

unnamed_legacy_record_counts as (
    select
        legacy_system,
        legacy_person_id,
        count(*) as record_count
    from unnamed_legacy_records
    group by legacy_system, legacy_person_id
),

migrated_successor_records as (
    select distinct
        system_pairs.legacy_system,
        system_pairs.successor_system,
        dated_records.person_id as successor_person_id,
        dated_records.table_name,
        dated_records.record_date,
        dated_records.record_code
    from dated_records
    inner join system_pairs
        on dated_records.source_system = system_pairs.successor_system
    where
        dated_records.person_id is not null
        and dated_records.record_date < system_pairs.cutover_date
),

own_legacy_records as (
    -- the records of the legacy children each successor person names (its own history)
    select distinct
        former_ids.successor_system,
        former_ids.successor_person_id,
        dated_records.table_name,
        dated_records.record_date,
        dated_records.record_code
    from former_ids
    inner join system_pairs
        on former_ids.successor_system = system_pairs.successor_system
    inner join dated_records
        on
            system_pairs.legacy_system = dated_records.source_system
            and former_ids.former_person_id = dated_records.person_id
),

unexplained_successor_records as (
    -- migrated successor records that the successor person's own legacy history does not
    -- explain. Removed before the match below: joined on (table, date, code) alone, every
    -- pair of same-day visits of two children would meet, which grows with the square of
    -- the authority's size
    select
        migrated_successor_records.legacy_system,
        migrated_successor_records.successor_system,
        migrated_successor_records.successor_person_id,
        migrated_successor_records.table_name,
        migrated_successor_records.record_date,
        migrated_successor_records.record_code
    from migrated_successor_records
    left join own_legacy_records
        on
            migrated_successor_records.successor_system = own_legacy_records.successor_system
            and migrated_successor_records.successor_person_id = own_legacy_records.successor_person_id
            and migrated_successor_records.table_name = own_legacy_records.table_name
            and migrated_successor_records.record_date = own_legacy_records.record_date
            and migrated_successor_records.record_code = own_legacy_records.record_code
    where own_legacy_records.successor_person_id is null
),

foreign_matches as (
    select
        unnamed_legacy_records.legacy_system,
        unnamed_legacy_records.legacy_person_id,
        unexplained_successor_records.successor_system,
        unexplained_successor_records.successor_person_id,
        count(*) as matched_record_count
    from unnamed_legacy_records
    inner join unexplained_successor_records
        on
            unnamed_legacy_records.legacy_system = unexplained_successor_records.legacy_system
            and unnamed_legacy_records.successor_system = unexplained_successor_records.successor_system
            and unnamed_legacy_records.table_name = unexplained_successor_records.table_name
            and unnamed_legacy_records.record_date = unexplained_successor_records.record_date
            and unnamed_legacy_records.record_code = unexplained_successor_records.record_code
    group by
        unnamed_legacy_records.legacy_system,
        unnamed_legacy_records.legacy_person_id,
        unexplained_successor_records.successor_system,
        unexplained_successor_records.successor_person_id
)

select
    foreign_matches.legacy_system,
    foreign_matches.legacy_person_id,
    foreign_matches.successor_system,
    foreign_matches.successor_person_id,
    foreign_matches.matched_record_count,
    unnamed_legacy_record_counts.record_count as legacy_record_count
from foreign_matches
inner join unnamed_legacy_record_counts
    on
        foreign_matches.legacy_system = unnamed_legacy_record_counts.legacy_system
        and foreign_matches.legacy_person_id = unnamed_legacy_record_counts.legacy_person_id
where
    foreign_matches.matched_record_count >= 2
    and foreign_matches.matched_record_count * 2 >= unnamed_legacy_record_counts.record_count
