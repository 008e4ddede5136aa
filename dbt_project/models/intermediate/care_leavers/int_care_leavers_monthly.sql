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

-- each record is the young person's latest from its contact date until the next record's
-- (in the order contact date, source system, source row: the later of two records on one
-- date wins, and the earlier one's span is empty). Joining months to these spans gives one
-- row per month, where joining every earlier record to each month grew with the square of
-- the history.
record_spans as (
    select
        child_key,
        care_leaver_record_id,
        contact_date,
        eligibility_group,
        care_leaver_in_touch,
        is_in_touch,
        is_accommodation_suitable,
        is_in_education_employment_training,
        coalesce(
            lead(contact_date) over (
                partition by child_key
                order by contact_date, source_system, source_row
            ),
            cast('9999-12-31' as date)
        ) as next_contact_date
    from records
    where contact_date is not null
),

-- a pathway plan review date counts for a month once both its record's contact date and
-- the review date itself have passed; the latest such date, as it stands from each
-- moment one becomes visible until the next does (peers on one date share the maximum)
pathway_plan_reviews as (
    select
        child_key,
        greatest(contact_date, pathway_plan_review_date) as visible_from,
        pathway_plan_review_date
    from records
    where contact_date is not null and pathway_plan_review_date is not null
),

latest_pathway_plan_reviews as (
    select
        child_key,
        visible_from,
        max(pathway_plan_review_date) over (
            partition by child_key
            order by visible_from
            range between unbounded preceding and current row
        ) as latest_pathway_plan_review_date,
        coalesce(
            lead(visible_from) over (partition by child_key order by visible_from),
            cast('9999-12-31' as date)
        ) as next_visible_from
    from pathway_plan_reviews
),

records_to_date as (
    select
        months.period_end,
        record_spans.child_key,
        record_spans.care_leaver_record_id,
        record_spans.contact_date,
        record_spans.eligibility_group,
        record_spans.care_leaver_in_touch,
        record_spans.is_in_touch,
        record_spans.is_accommodation_suitable,
        record_spans.is_in_education_employment_training,
        latest_pathway_plan_reviews.latest_pathway_plan_review_date
    from months
    inner join record_spans
        on
            months.period_end >= record_spans.contact_date
            and months.period_end < record_spans.next_contact_date
    left join latest_pathway_plan_reviews
        on
            record_spans.child_key = latest_pathway_plan_reviews.child_key
            and months.period_end >= latest_pathway_plan_reviews.visible_from
            and months.period_end < latest_pathway_plan_reviews.next_visible_from
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
