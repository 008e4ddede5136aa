-- grain: one row per child (child_key) across all source systems
-- Person attributes come from the record of the latest system that holds the child,
-- falling back to the child's other records (latest system first) where it is empty.
with crosswalk as (
    select
        source_system,
        person_id,
        child_key,
        holder_system,
        holder_person_id
    from {{ ref('int_person_crosswalk') }}
),

systems as (
    select
        system_name,
        system_sequence
    from {{ ref('int_source_systems_sequenced') }}
),

person_records as (
    select
        crosswalk.child_key,
        person.source_system,
        person.person_id,
        person.date_of_birth,
        person.sex,
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
    inner join crosswalk
        on
            person.source_system = crosswalk.source_system
            and person.person_id = crosswalk.person_id
    inner join systems
        on person.source_system = systems.system_name
),

children as (
    select
        child_key,
        max(case when record_preference = 1 then source_system end) as holder_system,
        max(case when record_preference = 1 then person_id end) as holder_person_id
    from person_records
    group by child_key
),

first_known_dates_of_birth as (
    select
        child_key,
        date_of_birth,
        row_number() over (partition by child_key order by record_preference) as dob_preference
    from person_records
    where date_of_birth is not null
),

first_known_sexes as (
    select
        child_key,
        sex,
        row_number() over (partition by child_key order by record_preference) as sex_preference
    from person_records
    where sex is not null
)

select
    children.child_key,
    children.holder_system,
    children.holder_person_id,
    first_known_dates_of_birth.date_of_birth,
    first_known_sexes.sex
from children
left join first_known_dates_of_birth
    on
        children.child_key = first_known_dates_of_birth.child_key
        and first_known_dates_of_birth.dob_preference = 1
left join first_known_sexes
    on
        children.child_key = first_known_sexes.child_key
        and first_known_sexes.sex_preference = 1
