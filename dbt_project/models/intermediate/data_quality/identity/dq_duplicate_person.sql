-- grain: one row per successor person id that records the same child as another person id
-- of the same system, where at least one of the ids was not migrated (names no former id)
-- Two person ids are the same child when they share the date of birth, sex, forename and
-- surname (trimmed, case-insensitive), or the date of birth and unique pupil number (the
-- date of birth guards against placeholder UPNs shared by many children). Twins share the
-- date of birth and surname but not the forename, so they are not matched. Two children with
-- the same names and date of birth are told apart by a UPN or a valid ethnicity code that
-- both hold and that differ (an emptied or unmapped value does not count). Names are
-- compared here and never leave the model.
with system_pairs as (
    select
        next_system as successor_system,
        cast({{ dbt.last_day('cutover_to_next', 'month') }} as date) as cutover_month_end
    from {{ ref('int_source_systems_sequenced') }}
    where next_system is not null
),

former_ids as (
    select distinct
        source_system,
        person_id
    from {{ ref('stg_ssd__person') }}
    where legacy_person_id is not null
    union
    select distinct
        source_system,
        person_id
    from {{ ref('stg_ssd__linked_identifiers') }}
    where
        lower(trim(identifier_type)) = 'former system id'
        and identifier_value is not null
),

successor_persons as (
    select distinct
        persons.source_system,
        persons.person_id,
        system_pairs.cutover_month_end,
        persons.date_of_birth,
        upper(trim(persons.sex)) as sex,
        lower(trim(persons.forename)) as forename_key,
        lower(trim(persons.surname)) as surname_key,
        upper(trim(persons.common_child_id)) as upn_key,
        valid_ethnicities.ethnicity_code as ethnicity_key,
        former_ids.person_id is not null as is_migrated
    from {{ ref('stg_ssd__person') }} as persons
    inner join system_pairs
        on persons.source_system = system_pairs.successor_system
    left join former_ids
        on
            persons.source_system = former_ids.source_system
            and persons.person_id = former_ids.person_id
    left join {{ ref('ethnicity_groups') }} as valid_ethnicities
        on upper(trim(persons.ethnicity)) = valid_ethnicities.ethnicity_code
    left join {{ ref('dq_test_records') }} as test_persons
        -- test records often share made-up names and dates: they are not children
        on
            persons.source_system = test_persons.source_system
            and persons.person_id = test_persons.person_id
            and test_persons.table_name = 'ssd_person'
    where
        persons.person_id is not null
        and test_persons.person_id is null
),

paired_persons as (
    -- two equality joins (same names, or same UPN) rather than one join with an "or": a
    -- join on the date of birth alone compares every pair of children born on the same
    -- day, which grows with the square of the authority's size
    select
        first_person.source_system,
        first_person.person_id as first_person_id,
        second_person.person_id as second_person_id,
        first_person.cutover_month_end,
        coalesce(first_person.upn_key = second_person.upn_key, false) as is_same_upn
    from successor_persons as first_person
    inner join successor_persons as second_person
        on
            first_person.source_system = second_person.source_system
            and first_person.date_of_birth = second_person.date_of_birth
            and first_person.sex = second_person.sex
            and first_person.forename_key = second_person.forename_key
            and first_person.surname_key = second_person.surname_key
    where
        first_person.person_id != second_person.person_id
        and not (first_person.is_migrated and second_person.is_migrated)
        and coalesce(first_person.upn_key = second_person.upn_key, true)
        and coalesce(first_person.ethnicity_key = second_person.ethnicity_key, true)
    union
    select
        first_person.source_system,
        first_person.person_id as first_person_id,
        second_person.person_id as second_person_id,
        first_person.cutover_month_end,
        coalesce(first_person.upn_key = second_person.upn_key, false) as is_same_upn
    from successor_persons as first_person
    inner join successor_persons as second_person
        on
            first_person.source_system = second_person.source_system
            and first_person.date_of_birth = second_person.date_of_birth
            and first_person.upn_key = second_person.upn_key
    where
        first_person.person_id != second_person.person_id
        and not (first_person.is_migrated and second_person.is_migrated)
),

matched_pairs as (
    select
        source_system,
        first_person_id,
        second_person_id,
        cutover_month_end,
        case
            when is_same_upn then 'same date of birth and unique pupil number as another person id'
            else 'same date of birth, sex and names as another person id'
        end as match_rule
    from paired_persons
),

flagged_persons as (
    select
        source_system,
        first_person_id as person_id,
        max(cutover_month_end) as cutover_month_end,
        min(match_rule) as match_rule
    from matched_pairs
    group by source_system, first_person_id
)

select
    'duplicate_person' as defect_kind,
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
    flagged_persons.match_rule as detail
from flagged_persons
left join {{ ref('int_person_crosswalk') }} as crosswalk
    on
        flagged_persons.source_system = crosswalk.source_system
        and flagged_persons.person_id = crosswalk.person_id
