-- grain: one row per collection year, child protection plan in that year's return and
-- review date (CPPreviewDate): reviews held in the year while the plan was open.
with plans as (
    select
        collection_year,
        cp_plan_key,
        child_key,
        cp_plan_start_date,
        cp_plan_end_date
    from {{ ref('ret_cin_cp_plans') }}
),

years as (
    select
        collection_year,
        year_start,
        year_end
    from {{ ref('ret_cin_collection_years') }}
),

reviews as (
    select distinct
        child_key,
        cp_review_date
    from {{ ref('int_cp_reviews_unified') }}
)

select
    plans.collection_year,
    plans.cp_plan_key,
    plans.child_key,
    reviews.cp_review_date
from plans
inner join years
    on plans.collection_year = years.collection_year
inner join reviews
    on
        plans.child_key = reviews.child_key
        and plans.cp_plan_start_date < reviews.cp_review_date
        and (plans.cp_plan_end_date is null or plans.cp_plan_end_date >= reviews.cp_review_date)
        and reviews.cp_review_date between years.year_start and years.year_end
