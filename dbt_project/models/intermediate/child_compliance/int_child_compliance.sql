-- grain: one row per child (child_key), indicator_code and period_end in the latest
-- var('compliance_months') months (default 13), for the timeliness indicators below
-- Child-level drill-down ("who is overdue") of the children counted in each indicator's
-- denominator, read from the indicator's own model so the two always agree:
--   CLA_VISITS_IN_TIME (int_cla_visits_compliance_monthly): due = latest seen visit +
--     allowed interval, or placement start + 7 days when no visit is on record;
--   CLA_REVIEWS_IN_TIME (int_cla_reviews_in_time_monthly): due = next review due date;
--   CLA_PEP (int_cla_pep_monthly): due = latest PEP review + 183 days;
--   CL_PATHWAY_PLAN (int_care_leavers_monthly, pathway plan cohort): due = latest pathway
--     plan review + 183 days. Without any review on record the due date is unknown (NULL).
-- days_overdue = period_end - due_date when not compliant, else 0 (compliant or not yet
-- due). Team and worker: the involvement open on period_end (start <= D and (end is null
-- or end > D)), the latest started when several are open.
with latest_months as (
    select
        period_end,
        row_number() over (order by period_end desc) as month_recency
    from {{ ref('int_months') }}
),

reporting_months as (
    select period_end
    from latest_months
    where month_recency <= {{ var('compliance_months', 13) }}
),

cla_visits as (
    select
        visits.child_key,
        'CLA_VISITS_IN_TIME' as indicator_code,
        visits.period_end,
        coalesce(
            {{ shift_days('visits.latest_seen_visit_date', 'visits.allowed_interval_days') }},
            {{ shift_days('visits.placement_start_date', 7) }}
        ) as due_date,
        visits.latest_seen_visit_date as last_event_date,
        visits.is_visited_in_time as is_compliant
    from {{ ref('int_cla_visits_compliance_monthly') }} as visits
    inner join reporting_months
        on visits.period_end = reporting_months.period_end
),

cla_reviews as (
    select
        reviews.child_key,
        'CLA_REVIEWS_IN_TIME' as indicator_code,
        reviews.period_end,
        reviews.next_review_due_date as due_date,
        reviews.latest_review_date as last_event_date,
        reviews.is_review_in_time as is_compliant
    from {{ ref('int_cla_reviews_in_time_monthly') }} as reviews
    inner join reporting_months
        on reviews.period_end = reporting_months.period_end
),

cla_peps as (
    select
        peps.child_key,
        'CLA_PEP' as indicator_code,
        peps.period_end,
        {{ shift_days('peps.latest_pep_review_date', 183) }} as due_date,
        peps.latest_pep_review_date as last_event_date,
        peps.is_pep_up_to_date as is_compliant
    from {{ ref('int_cla_pep_monthly') }} as peps
    inner join reporting_months
        on peps.period_end = reporting_months.period_end
),

pathway_plans as (
    select
        leavers.child_key,
        'CL_PATHWAY_PLAN' as indicator_code,
        leavers.period_end,
        {{ shift_days('leavers.latest_pathway_plan_review_date', 183) }} as due_date,
        leavers.latest_pathway_plan_review_date as last_event_date,
        leavers.is_pathway_plan_reviewed_in_time as is_compliant
    from {{ ref('int_care_leavers_monthly') }} as leavers
    inner join reporting_months
        on leavers.period_end = reporting_months.period_end
    where leavers.is_in_pathway_plan_cohort
),

indicator_rows as (
    select
        child_key,
        indicator_code,
        period_end,
        due_date,
        last_event_date,
        is_compliant
    from cla_visits
    union all
    select
        child_key,
        indicator_code,
        period_end,
        due_date,
        last_event_date,
        is_compliant
    from cla_reviews
    union all
    select
        child_key,
        indicator_code,
        period_end,
        due_date,
        last_event_date,
        is_compliant
    from cla_peps
    union all
    select
        child_key,
        indicator_code,
        period_end,
        due_date,
        last_event_date,
        is_compliant
    from pathway_plans
),

children_months as (
    select distinct
        child_key,
        period_end
    from indicator_rows
),

open_involvements as (
    select
        children_months.child_key,
        children_months.period_end,
        involvements.professional_id,
        staged.professional_team,
        row_number() over (
            partition by children_months.child_key, children_months.period_end
            order by
                involvements.involvement_start_date desc,
                involvements.source_system desc,
                involvements.source_row desc
        ) as involvement_recency
    from children_months
    inner join {{ ref('int_involvements_unified') }} as involvements
        on
            children_months.child_key = involvements.child_key
            and children_months.period_end >= involvements.involvement_start_date
            and (
                involvements.involvement_end_date is null
                or children_months.period_end < involvements.involvement_end_date
            )
    left join {{ ref('stg_ssd__involvements') }} as staged
        on
            involvements.source_system = staged.source_system
            and involvements.source_row = staged.source_row
)

select
    indicator_rows.child_key,
    indicator_rows.indicator_code,
    indicator_rows.period_end,
    indicator_rows.due_date,
    indicator_rows.last_event_date,
    indicator_rows.is_compliant,
    case
        when indicator_rows.is_compliant then 0
        else {{ days_between('indicator_rows.due_date', 'indicator_rows.period_end') }}
    end as days_overdue,
    open_involvements.professional_team as team,
    open_involvements.professional_id as worker
from indicator_rows
left join open_involvements
    on
        indicator_rows.child_key = open_involvements.child_key
        and indicator_rows.period_end = open_involvements.period_end
        and open_involvements.involvement_recency = 1
