-- grain: one row per CLA review of record (one source row), across all source systems
-- SSD reviews carry no person id: the child is found through the review's cla_id on the
-- same system's CLA episodes (else its placements or visits, which also carry cla_id).
-- Point events: legacy reviews dated before the cutover, successor reviews from it
-- (macro select_events_of_record, on the review date, or the due date for reviews not held).
with cla_people as (
    select
        source_system,
        cla_id,
        person_id,
        1 as source_preference
    from {{ ref('stg_ssd__cla_episodes') }}
    union all
    select
        source_system,
        cla_id,
        person_id,
        2 as source_preference
    from {{ ref('stg_ssd__cla_placement') }}
    union all
    select
        source_system,
        cla_id,
        person_id,
        3 as source_preference
    from {{ ref('stg_ssd__cla_visits') }}
),

ranked_cla_people as (
    select
        source_system,
        cla_id,
        person_id,
        row_number() over (
            partition by source_system, cla_id
            order by source_preference, person_id
        ) as person_preference
    from cla_people
    where cla_id is not null and person_id is not null
),

cla_owners as (
    select
        source_system,
        cla_id,
        person_id
    from ranked_cla_people
    where person_preference = 1
),

review_rows as (
    select
        reviews.source_system,
        reviews.source_row,
        cla_owners.person_id,
        reviews.review_id,
        reviews.cla_id,
        reviews.review_due_date,
        reviews.review_date,
        coalesce(reviews.review_date, reviews.review_due_date) as review_record_date,
        reviews.is_review_cancelled,
        reviews.review_participation,
        reviews.source_file,
        reviews.extract_date
    from {{ ref('stg_ssd__cla_reviews') }} as reviews
    left join cla_owners
        on
            reviews.source_system = cla_owners.source_system
            and reviews.cla_id = cla_owners.cla_id
),

{{ select_events_of_record('review_rows', 'review_record_date') }}

select
    child_key,
    source_system,
    source_row,
    person_id,
    review_id,
    cla_id,
    review_due_date,
    review_date,
    coalesce(is_review_cancelled, false) as is_review_cancelled,
    -- a review counts as held when it has a date and was not cancelled
    review_date is not null and not coalesce(is_review_cancelled, false) as is_review_held,
    review_participation,
    source_file,
    extract_date
from events_of_record
