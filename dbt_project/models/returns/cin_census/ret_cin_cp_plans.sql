-- grain: one row per collection year and child protection plan (ChildProtectionPlans)
-- open in that year, within the CIN episode open on its start date. A plan continued
-- across the changeover is one plan (int_cp_plans); the initial category comes from its
-- first piece, the latest category from its last piece; an end after the year end is
-- left empty.
with plan_pieces as (
    select
        unified.child_key,
        unified.plan_stay_start_date,
        staged.cp_plan_initial_category,
        staged.cp_plan_latest_category,
        row_number() over (
            partition by unified.child_key, unified.plan_stay_start_date
            order by unified.plan_piece_start_date, unified.source_system, unified.source_row
        ) as piece_from_first,
        row_number() over (
            partition by unified.child_key, unified.plan_stay_start_date
            order by
                unified.plan_piece_start_date desc,
                unified.source_system desc,
                unified.source_row desc
        ) as piece_from_last
    from {{ ref('int_cp_plans_unified') }} as unified
    inner join {{ ref('stg_ssd__cp_plans') }} as staged
        on
            unified.source_system = staged.source_system
            and unified.source_row = staged.source_row
),

categories as (
    select
        child_key,
        plan_stay_start_date as plan_start_date,
        max(case when piece_from_first = 1 then cp_plan_initial_category end)
            as initial_category,
        max(case when piece_from_last = 1 then cp_plan_latest_category end)
            as latest_category
    from plan_pieces
    group by child_key, plan_stay_start_date
),

plans as (
    select
        cp_plan_key,
        child_key,
        plan_start_date,
        plan_end_date,
        previous_plan_count
    from {{ ref('int_cp_plans') }}
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
        plans.cp_plan_key,
        plans.plan_start_date as cp_plan_start_date,
        case when plans.plan_end_date <= years.year_end then plans.plan_end_date end
            as cp_plan_end_date,
        coalesce(categories.initial_category, categories.latest_category) as initial_category,
        coalesce(categories.latest_category, categories.initial_category) as latest_category,
        plans.previous_plan_count as number_of_previous_cpp,
        row_number() over (
            partition by details.collection_year, plans.cp_plan_key
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
    left join categories
        on
            plans.child_key = categories.child_key
            and plans.plan_start_date = categories.plan_start_date
    where
        plans.plan_start_date <= years.year_end
        and (plans.plan_end_date is null or plans.plan_end_date >= years.year_start)
)

select
    collection_year,
    cin_episode_key,
    child_key,
    cp_plan_key,
    cp_plan_start_date,
    cp_plan_end_date,
    initial_category,
    latest_category,
    number_of_previous_cpp
from matched
where episode_preference = 1
