-- grain: one row per collection year and child with a CIN episode open in that year
-- LAchildID is the authority's current identifier: the person id in the latest system
-- that holds the child. Identifiers and characteristics come from that record, falling
-- back to the child's other records where it is empty.
with child_years as (
    select distinct
        collection_year,
        child_key
    from {{ ref('ret_cin_details') }}
),

resolved as (
    select
        child_key,
        holder_system,
        holder_person_id,
        date_of_birth,
        sex
    from {{ ref('int_children_resolved') }}
),

person_records as (
    select
        crosswalk.child_key,
        person.common_child_id,
        person.upn_unknown,
        person.ethnicity,
        person.expected_date_of_birth,
        person.death_date,
        row_number() over (
            partition by crosswalk.child_key
            order by
                case
                    when
                        person.source_system = resolved.holder_system
                        and person.person_id = resolved.holder_person_id
                        then 0
                    else 1
                end,
                person.extract_date desc,
                person.source_row desc
        ) as record_preference
    from {{ ref('stg_ssd__person') }} as person
    inner join {{ ref('int_person_crosswalk') }} as crosswalk
        on
            person.source_system = crosswalk.source_system
            and person.person_id = crosswalk.person_id
    inner join resolved
        on crosswalk.child_key = resolved.child_key
),

identifiers as (
    select
        child_key,
        max(case when record_preference = 1 then common_child_id end) as holder_upn,
        max(common_child_id) as any_upn,
        max(case when record_preference = 1 then upn_unknown end) as holder_upn_unknown,
        max(case when record_preference = 1 then ethnicity end) as holder_ethnicity,
        max(ethnicity) as any_ethnicity,
        max(expected_date_of_birth) as expected_date_of_birth,
        max(death_date) as death_date
    from person_records
    group by child_key
)

select
    child_years.collection_year,
    child_years.child_key,
    resolved.holder_person_id as la_child_id,
    coalesce(identifiers.holder_upn, identifiers.any_upn) as upn,
    case
        when coalesce(identifiers.holder_upn, identifiers.any_upn) is null
            then coalesce(identifiers.holder_upn_unknown, 'UN1')
    end as upn_unknown,
    resolved.date_of_birth,
    -- an expected date of birth belongs only to a child not yet born
    case when resolved.date_of_birth is null then identifiers.expected_date_of_birth end
        as expected_date_of_birth,
    coalesce(resolved.sex, 'U') as sex,
    identifiers.death_date,
    coalesce(identifiers.holder_ethnicity, identifiers.any_ethnicity, 'NOBT') as ethnicity
from child_years
inner join resolved
    on child_years.child_key = resolved.child_key
left join identifiers
    on child_years.child_key = identifiers.child_key
