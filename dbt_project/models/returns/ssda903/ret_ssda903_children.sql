-- grain: one row per child (child_key) with the identifiers and characteristics a 903 return
-- reports: the authority's current person id (the successor system's id for a migrated
-- child), sex, date of birth, ethnicity, UPN (or its unknown reason) and motherhood.
-- Attributes come from the record of the system that holds the child, falling back to
-- the child's other records (latest system first) where that record is empty.
with children as (
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
        person.ethnicity,
        person.common_child_id,
        person.upn_unknown,
        person.is_mother,
        row_number() over (
            partition by crosswalk.child_key
            order by
                case
                    when
                        person.source_system = crosswalk.holder_system
                        and person.person_id = crosswalk.holder_person_id
                        then 0
                    else 1
                end,
                systems.system_sequence desc,
                person.source_row desc
        ) as record_preference
    from {{ ref('stg_ssd__person') }} as person
    inner join {{ ref('int_person_crosswalk') }} as crosswalk
        on
            person.source_system = crosswalk.source_system
            and person.person_id = crosswalk.person_id
    inner join {{ ref('int_source_systems_sequenced') }} as systems
        on person.source_system = systems.system_name
),

attributes as (
    select
        child_key,
        min(case when ethnicity is not null then record_preference * 1000 end) as ethnic_rank,
        min(case when common_child_id is not null then record_preference end) as upn_rank,
        min(case when upn_unknown is not null then record_preference end) as upn_unknown_rank,
        max(case when is_mother then 1 else 0 end) as is_mother
    from person_records
    group by child_key
)

select
    children.child_key,
    children.holder_system,
    children.holder_person_id as child,
    case when children.sex in ('M', 'F') then children.sex else 'U' end as sex,
    children.date_of_birth as dob,
    ethnic_record.ethnicity as ethnic,
    coalesce(upn_record.common_child_id, upn_unknown_record.upn_unknown) as upn,
    attributes.is_mother = 1 as is_mother
from children
left join attributes
    on children.child_key = attributes.child_key
left join person_records as ethnic_record
    on
        children.child_key = ethnic_record.child_key
        and ethnic_record.record_preference * 1000 = attributes.ethnic_rank
left join person_records as upn_record
    on
        children.child_key = upn_record.child_key
        and attributes.upn_rank = upn_record.record_preference
left join person_records as upn_unknown_record
    on
        children.child_key = upn_unknown_record.child_key
        and attributes.upn_unknown_rank = upn_unknown_record.record_preference
