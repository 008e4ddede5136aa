-- grain: one row per collection year and CIN plan (CINPlanDates) open in that year within
-- a CIN episode of the year. A plan continued across the changeover is one plan; an end
-- after the year end is left empty.
with plan_pieces as (
    select
        child_key,
        plan_stay_start_date,
        plan_piece_end_date,
        row_number() over (
            partition by child_key, plan_stay_start_date
            order by plan_piece_start_date desc, source_system desc, source_row desc
        ) as piece_from_last
    from {{ ref('int_cin_plans_unified') }}
),

plans as (
    select
        child_key,
        plan_stay_start_date as plan_start_date,
        plan_piece_end_date as plan_end_date
    from plan_pieces
    where piece_from_last = 1
),

details as (
    select
        collection_year,
        cin_episode_key,
        child_key,
        referral_date,
        closure_date
    from {{ ref('ret_cin_details') }}
),

years as (
    select
        collection_year,
        year_start,
        year_end
    from {{ ref('ret_cin_collection_years') }}
),

matched as (
    select
        details.collection_year,
        details.cin_episode_key,
        details.child_key,
        plans.plan_start_date as cin_plan_start_date,
        case when plans.plan_end_date <= years.year_end then plans.plan_end_date end
            as cin_plan_end_date,
        row_number() over (
            partition by details.collection_year, plans.child_key, plans.plan_start_date
            order by details.referral_date desc
        ) as episode_preference
    from plans
    inner join details
        on
            plans.child_key = details.child_key
            and plans.plan_start_date >= details.referral_date
            and (details.closure_date is null or plans.plan_start_date <= details.closure_date)
    inner join years
        on details.collection_year = years.collection_year
    where
        plans.plan_start_date <= years.year_end
        and (plans.plan_end_date is null or plans.plan_end_date >= years.year_start)
)

select
    collection_year,
    cin_episode_key,
    child_key,
    cin_plan_start_date,
    cin_plan_end_date
from matched
where episode_preference = 1
