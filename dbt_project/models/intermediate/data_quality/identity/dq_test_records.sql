-- grain: one row per record of a test or admin person (the person row, its linked
-- identifiers and its CIN, CP and CLA records) in any source system
-- A person is a test record when
--   (a) a name is a test marker no child carries: forename TEST, TESTING, ZZTEST, XXTEST,
--       ADMIN or DUMMY, a forename or surname beginning ZZ, or a surname containing
--       DO NOT USE; or
--   (b) the surname is a weaker marker that is also a (rare) real surname or word (TEST,
--       TESTING, RECORD, DUPLICATE, ADMIN, DUMMY) and the person's legacy id names no
--       person of the system it was migrated from.
-- A dangling legacy id alone is not enough: a real child's legacy record can have been
-- purged before the final extract. Names are compared here and never leave the model.
with systems as (
    select
        system_name,
        previous_system,
        live_from
    from {{ ref('int_source_systems_sequenced') }}
),

persons as (
    select
        source_system,
        person_id,
        upper(trim(forename)) as forename_key,
        upper(trim(surname)) as surname_key,
        trim(legacy_person_id) as legacy_person_id
    from {{ ref('stg_ssd__person') }}
    where person_id is not null
),

previous_system_persons as (
    select distinct
        systems.system_name as successor_system,
        persons.person_id as legacy_person_id
    from persons
    inner join systems
        on persons.source_system = systems.previous_system
),

person_markers as (
    select
        persons.source_system,
        persons.person_id,
        systems.live_from,
        (
            persons.forename_key in ('TEST', 'TESTING', 'ZZTEST', 'XXTEST', 'ADMIN', 'DUMMY')
            or persons.forename_key like 'ZZ%'
            or persons.surname_key like 'ZZ%'
            or persons.surname_key like '%DO NOT USE%'
        ) as has_test_name,
        coalesce(
            persons.surname_key in ('TEST', 'TESTING', 'RECORD', 'DUPLICATE', 'ADMIN', 'DUMMY'),
            false
        ) as has_weak_test_name,
        (
            persons.legacy_person_id is not null
            and systems.previous_system is not null
            and previous_system_persons.legacy_person_id is null
        ) as has_dangling_legacy_id
    from persons
    inner join systems
        on persons.source_system = systems.system_name
    left join previous_system_persons
        on
            persons.source_system = previous_system_persons.successor_system
            and persons.legacy_person_id = previous_system_persons.legacy_person_id
),

test_persons as (
    select
        source_system,
        person_id,
        live_from,
        case
            when has_test_name then 'test or admin marker in the name'
            else 'admin surname and a legacy id that names no legacy person'
        end as detail
    from person_markers
    where
        coalesce(has_test_name, false)
        or (has_weak_test_name and has_dangling_legacy_id)
),

person_records as (
    select
        source_system,
        person_id,
        'ssd_person' as table_name,
        person_id as record_id,
        cast(null as date) as record_start,
        cast(null as date) as record_end
    from {{ ref('stg_ssd__person') }}
    union all
    select
        source_system,
        person_id,
        'ssd_linked_identifiers' as table_name,
        linked_identifier_id as record_id,
        valid_from_date as record_start,
        valid_to_date as record_end
    from {{ ref('stg_ssd__linked_identifiers') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cin_episodes' as table_name,
        referral_id as record_id,
        referral_date as record_start,
        close_date as record_end
    from {{ ref('stg_ssd__cin_episodes') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cp_plans' as table_name,
        cp_plan_id as record_id,
        cp_plan_start_date as record_start,
        cp_plan_end_date as record_end
    from {{ ref('stg_ssd__cp_plans') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cla_episodes' as table_name,
        cla_episode_id as record_id,
        episode_start_date as record_start,
        episode_ceased_date as record_end
    from {{ ref('stg_ssd__cla_episodes') }}
    union all
    select
        source_system,
        person_id,
        'ssd_cla_placement' as table_name,
        placement_id as record_id,
        placement_start_date as record_start,
        placement_end_date as record_end
    from {{ ref('stg_ssd__cla_placement') }}
    union all
    select
        source_system,
        person_id,
        'ssd_legal_status' as table_name,
        legal_status_id as record_id,
        legal_status_start_date as record_start,
        legal_status_end_date as record_end
    from {{ ref('stg_ssd__legal_status') }}
),

test_records as (
    select
        test_persons.source_system,
        test_persons.person_id,
        person_records.table_name,
        person_records.record_id,
        test_persons.detail,
        -- a test record migrated with history distorts only the months the system is
        -- the record for, from its go-live on
        case
            when
                person_records.record_start is null
                or person_records.record_start < test_persons.live_from
                then test_persons.live_from
            else person_records.record_start
        end as distorts_from,
        person_records.record_end
    from test_persons
    inner join person_records
        on
            test_persons.source_system = person_records.source_system
            and test_persons.person_id = person_records.person_id
),

test_record_spans as (
    select
        source_system,
        person_id,
        table_name,
        record_id,
        detail,
        distorts_from,
        -- an end before go-live (or a 1900 placeholder) still distorts the go-live month;
        -- greatest ignores nulls, so an open record is kept open explicitly
        case
            when record_end is not null then greatest(record_end, distorts_from)
        end as distorts_to
    from test_records
)

select
    'test_records' as defect_kind,
    test_record_spans.source_system,
    test_record_spans.table_name,
    coalesce(
        crosswalk.child_key,
        {{ dbt.concat(['test_record_spans.source_system', "':'", 'test_record_spans.person_id']) }}
    ) as child_key,
    test_record_spans.person_id,
    test_record_spans.record_id,
    cast({{ dbt.last_day('test_record_spans.distorts_from', 'month') }} as date) as affected_from,
    cast({{ dbt.last_day('test_record_spans.distorts_to', 'month') }} as date) as affected_to,
    test_record_spans.detail
from test_record_spans
left join {{ ref('int_person_crosswalk') }} as crosswalk
    on
        test_record_spans.source_system = crosswalk.source_system
        and test_record_spans.person_id = crosswalk.person_id
