-- grain: one row per child in the header who started a period of care in the collection
-- year (on or after 1 April) (collection_year, child), with the child's latest recorded previous permanence
-- option before care (Z1 when none is recorded as known).
with starters as (
    select distinct
        episodes.collection_year,
        episodes.child_key
    from {{ ref('ret_ssda903_episodes') }} as episodes
    inner join {{ ref('ret_ssda903_collection_years') }} as years
        on
            episodes.collection_year = years.collection_year
            and episodes.decom >= years.collection_start
    where episodes.rne = 'S'
),

permanence_records as (
    select
        crosswalk.child_key,
        permanence.previous_permanence_option,
        permanence.previous_permanence_la,
        permanence.previous_permanence_order_date,
        row_number() over (
            partition by crosswalk.child_key
            order by permanence.extract_date desc, permanence.source_row desc
        ) as record_preference
    from {{ ref('stg_ssd__cla_previous_permanence') }} as permanence
    inner join {{ ref('int_person_crosswalk') }} as crosswalk
        on
            permanence.source_system = crosswalk.source_system
            and permanence.person_id = crosswalk.person_id
)

select
    headers.collection_year,
    headers.child_key,
    headers.child,
    headers.dob,
    coalesce(permanence_records.previous_permanence_option, 'Z1') as prev_perm,
    permanence_records.previous_permanence_la as la_perm,
    permanence_records.previous_permanence_order_date as date_perm
from starters
inner join {{ ref('ret_ssda903_header') }} as headers
    on
        starters.collection_year = headers.collection_year
        and starters.child_key = headers.child_key
left join permanence_records
    on
        starters.child_key = permanence_records.child_key
        and permanence_records.record_preference = 1
