-- grain: one row per period_end and young person (child_key) with a care-leaver record
-- dated on or before period_end.
-- Each month uses the young person's latest record on or before period_end (status,
-- accommodation, activity) and the latest pathway plan review date on any of their
-- records up to then. Ages are completed years on period_end (macro age_in_years: a
-- 29 February birthday is reached on 1 March). Cohorts (docs/architecture.md,
-- "Indicator definitions: adoption and care leavers"):
--   19-21: former relevant, aged 19, 20 or 21;
--   17-18: relevant or former relevant (left care), aged 17 or 18;
--   pathway plan: eligible, relevant or former relevant, aged 16-20, or 21-24 when the
--   latest record is dated on or after the 21st birthday (still receiving a service).
with months as (
    select period_end
    from {{ ref('int_months') }}
),

records as (
    select
        child_key,
        source_system,
        source_row,
        care_leaver_record_id,
        contact_date,
        eligibility_group,
        care_leaver_in_touch,
        is_in_touch,
        is_accommodation_suitable,
        is_in_education_employment_training,
        pathway_plan_review_date
    from {{ ref('int_care_leaver_records_unified') }}
),

children as (
    select
        child_key,
        date_of_birth
    from {{ ref('int_children_resolved') }}
),

records_to_date as (
    select
        months.period_end,
        records.child_key,
        records.care_leaver_record_id,
        records.contact_date,
        records.eligibility_group,
        records.care_leaver_in_touch,
        records.is_in_touch,
        records.is_accommodation_suitable,
        records.is_in_education_employment_training,
        max(
            case when records.pathway_plan_review_date <= months.period_end then records.pathway_plan_review_date end
        ) over (
            partition by months.period_end, records.child_key
        ) as latest_pathway_plan_review_date,
        row_number() over (
            partition by months.period_end, records.child_key
            order by records.contact_date desc, records.source_system desc, records.source_row desc
        ) as record_recency
    from months
    inner join records
        on months.period_end >= records.contact_date
),

latest_records as (
    select
        records_to_date.period_end,
        records_to_date.child_key,
        children.date_of_birth,
        {{ age_in_years('children.date_of_birth', 'records_to_date.period_end') }} as age_at_period_end,
        {{ age_in_years('children.date_of_birth', 'records_to_date.contact_date') }} as age_at_latest_contact,
        records_to_date.care_leaver_record_id,
        records_to_date.contact_date as latest_contact_date,
        records_to_date.eligibility_group,
        records_to_date.care_leaver_in_touch,
        records_to_date.is_in_touch,
        records_to_date.is_accommodation_suitable,
        records_to_date.is_in_education_employment_training,
        records_to_date.latest_pathway_plan_review_date
    from records_to_date
    left join children
        on records_to_date.child_key = children.child_key
    where records_to_date.record_recency = 1
)

select
    period_end,
    child_key,
    date_of_birth,
    age_at_period_end,
    care_leaver_record_id,
    latest_contact_date,
    eligibility_group,
    care_leaver_in_touch,
    is_in_touch,
    is_accommodation_suitable,
    is_in_education_employment_training,
    latest_pathway_plan_review_date,
    {{ days_between('latest_pathway_plan_review_date', 'period_end') }} as days_since_pathway_plan_review,
    coalesce(eligibility_group = 'former relevant' and age_at_period_end between 19 and 21, false)
        as is_in_cohort_19_21,
    coalesce(
        eligibility_group in ('relevant', 'former relevant') and age_at_period_end between 17 and 18, false
    ) as is_in_cohort_17_18,
    coalesce(
        eligibility_group in ('eligible', 'relevant', 'former relevant')
        and (
            age_at_period_end between 16 and 20
            or (age_at_period_end between 21 and 24 and age_at_latest_contact >= 21)
        ),
        false
    ) as is_in_pathway_plan_cohort,
    coalesce({{ days_between('latest_pathway_plan_review_date', 'period_end') }} <= 183, false)
        as is_pathway_plan_reviewed_in_time
from latest_records
