-- grain: one row per child (child_key), indicator_code, period_end and event_date in the
-- latest var('compliance_months') months (default 13), for the timeliness indicators below;
-- event_date is NULL for the per-child snapshot indicators, and identifies the event for the
-- flow indicators (one row per event in the month's 12-month window)
-- Child-level drill-down ("who is overdue") of the children or events counted in each
-- indicator's denominator, read from the indicator's own model so the two always agree
-- (rows = denominator, compliant rows = numerator). Due dates:
--   CLA_VISITS_IN_TIME (int_cla_visits_compliance_monthly): latest seen visit + allowed
--     interval, or placement start + 7 days when no visit is on record;
--   CLA_REVIEWS_IN_TIME (int_cla_reviews_in_time_monthly): next review due date;
--   CLA_PEP (int_cla_pep_monthly): latest PEP review + 183 days;
--   CL_PATHWAY_PLAN (int_care_leavers_monthly, pathway plan cohort): latest pathway plan
--     review + 183 days (unknown, NULL, when no review is on record: these two);
--   CP_VISITS_10WD, CP_REVIEWS_IN_TIME (int_cp_monthly_snapshot, one row per child as the
--     indicator counts children; of a child's plans in the cohort, the in-time one when any
--     is, else the plan open longest): the 10th working day after the latest seen visit (the
--     plan start when none); the next review due date, or, when the plan is out of time
--     only because a review was held late, that review's due date;
--   CIN_VISITS_20WD (int_cin_plan_visits_monthly): the 20th working day after the latest
--     seen visit (the plan start when none);
--   CP_ICPC_15WD (int_cp_icpcs_unified, transfer-ins out, one row per conference dated in
--     the window; event_date = the S47 start, the conference date when the enquiry is not
--     on record): the 15th working day after the S47 start;
--   CIN_ASSESS_45WD (int_cin_assessments_unified, one row per assessment authorised in the
--     window; event_date = its start): the 45th working day after the start;
--   CLA_IHA_20WD (int_cla_iha_monthly, one row per period of care; event_date = its start):
--     the IHA due date (20th working day after the start);
--   CLA_HEALTH_ASSESSMENT, CLA_DENTAL (int_cla_health_monthly): the latest check (the
--     second latest health assessment when aged under 5, who need two) + 12 months - 1 day,
--     the last day the check stays in a month's 12-month window: compliant exactly when
--     period_end <= due_date.
-- days_overdue: 0 when compliant; else days from due_date to the event when it was held
-- late by period_end (flow indicators, a CP review held late), otherwise to period_end
-- (0 when due on period_end itself and not done); NULL when the due date is unknown.
-- Team and worker: the involvement open on period_end (start <= D and (end is null or
-- end > D)), the latest started when several are open.
with latest_months as (
    select
        period_end,
        window_start,
        row_number() over (order by period_end desc) as month_recency
    from {{ ref('int_months') }}
),

reporting_months as (
    select
        period_end,
        window_start
    from latest_months
    where month_recency <= {{ var('compliance_months', 13) }}
),

calendar as (
    select
        cast(calendar_date as date) as calendar_date,
        cast(working_day_number as integer) as working_day_number,
        is_working_day
    from {{ ref('england_calendar') }}
),

cla_visits as (
    select
        visits.child_key,
        'CLA_VISITS_IN_TIME' as indicator_code,
        visits.period_end,
        cast(null as date) as event_date,
        coalesce(
            {{ shift_days('visits.latest_seen_visit_date', 'visits.allowed_interval_days') }},
            {{ shift_days('visits.placement_start_date', 7) }}
        ) as due_date,
        visits.latest_seen_visit_date as last_event_date,
        visits.is_visited_in_time as is_compliant,
        visits.period_end as lateness_end_date
    from {{ ref('int_cla_visits_compliance_monthly') }} as visits
    inner join reporting_months
        on visits.period_end = reporting_months.period_end
),

cla_reviews as (
    select
        reviews.child_key,
        'CLA_REVIEWS_IN_TIME' as indicator_code,
        reviews.period_end,
        cast(null as date) as event_date,
        reviews.next_review_due_date as due_date,
        reviews.latest_review_date as last_event_date,
        reviews.is_review_in_time as is_compliant,
        reviews.period_end as lateness_end_date
    from {{ ref('int_cla_reviews_in_time_monthly') }} as reviews
    inner join reporting_months
        on reviews.period_end = reporting_months.period_end
),

cla_peps as (
    select
        peps.child_key,
        'CLA_PEP' as indicator_code,
        peps.period_end,
        cast(null as date) as event_date,
        {{ shift_days('peps.latest_pep_review_date', 183) }} as due_date,
        peps.latest_pep_review_date as last_event_date,
        peps.is_pep_up_to_date as is_compliant,
        peps.period_end as lateness_end_date
    from {{ ref('int_cla_pep_monthly') }} as peps
    inner join reporting_months
        on peps.period_end = reporting_months.period_end
),

pathway_plans as (
    select
        leavers.child_key,
        'CL_PATHWAY_PLAN' as indicator_code,
        leavers.period_end,
        cast(null as date) as event_date,
        {{ shift_days('leavers.latest_pathway_plan_review_date', 183) }} as due_date,
        leavers.latest_pathway_plan_review_date as last_event_date,
        leavers.is_pathway_plan_reviewed_in_time as is_compliant,
        leavers.period_end as lateness_end_date
    from {{ ref('int_care_leavers_monthly') }} as leavers
    inner join reporting_months
        on leavers.period_end = reporting_months.period_end
    where leavers.is_in_pathway_plan_cohort
),

-- the indicator counts a child once, in its numerator when any plan in its cohort is in
-- time; the row shows that plan, else the plan open longest
cp_plans_due_a_visit as (
    select
        cp_plan_months.child_key,
        cp_plan_months.period_end,
        cp_plan_months.plan_start_date,
        cp_plan_months.latest_seen_visit_date,
        cp_plan_months.is_seen_within_10wd,
        row_number() over (
            partition by cp_plan_months.child_key, cp_plan_months.period_end
            order by
                case when cp_plan_months.is_seen_within_10wd then 0 else 1 end,
                cp_plan_months.plan_start_date,
                cp_plan_months.cp_plan_key
        ) as plan_choice
    from {{ ref('int_cp_monthly_snapshot') }} as cp_plan_months
    inner join reporting_months
        on cp_plan_months.period_end = reporting_months.period_end
    where cp_plan_months.is_due_a_visit
),

cp_visits as (
    select
        visited_plans.child_key,
        'CP_VISITS_10WD' as indicator_code,
        visited_plans.period_end,
        cast(null as date) as event_date,
        visit_due.calendar_date as due_date,
        visited_plans.latest_seen_visit_date as last_event_date,
        visited_plans.is_seen_within_10wd as is_compliant,
        visited_plans.period_end as lateness_end_date
    from cp_plans_due_a_visit as visited_plans
    left join calendar as from_day
        on coalesce(visited_plans.latest_seen_visit_date, visited_plans.plan_start_date) = from_day.calendar_date
    left join calendar as visit_due
        on
            from_day.working_day_number + 10 = visit_due.working_day_number
            and visit_due.is_working_day
    where visited_plans.plan_choice = 1
),

cp_plans_due_a_review as (
    select
        cp_plan_months.child_key,
        cp_plan_months.period_end,
        cp_plan_months.latest_review_date,
        cp_plan_months.next_review_due_date,
        cp_plan_months.latest_late_review_date,
        cp_plan_months.latest_late_review_due_date,
        cp_plan_months.is_reviewed_in_time,
        row_number() over (
            partition by cp_plan_months.child_key, cp_plan_months.period_end
            order by
                case when cp_plan_months.is_reviewed_in_time then 0 else 1 end,
                cp_plan_months.plan_start_date,
                cp_plan_months.cp_plan_key
        ) as plan_choice
    from {{ ref('int_cp_monthly_snapshot') }} as cp_plan_months
    inner join reporting_months
        on cp_plan_months.period_end = reporting_months.period_end
    where cp_plan_months.is_due_a_review
),

cp_reviews as (
    select
        child_key,
        'CP_REVIEWS_IN_TIME' as indicator_code,
        period_end,
        cast(null as date) as event_date,
        case
            when next_review_due_date < period_end or latest_late_review_date is null
                then next_review_due_date
            else latest_late_review_due_date
        end as due_date,
        latest_review_date as last_event_date,
        is_reviewed_in_time as is_compliant,
        case
            when next_review_due_date < period_end or latest_late_review_date is null
                then period_end
            else latest_late_review_date
        end as lateness_end_date
    from cp_plans_due_a_review
    where plan_choice = 1
),

cin_visits as (
    select
        visits.child_key,
        'CIN_VISITS_20WD' as indicator_code,
        visits.period_end,
        cast(null as date) as event_date,
        visit_due.calendar_date as due_date,
        visits.latest_seen_visit_date as last_event_date,
        visits.is_seen_within_20wd as is_compliant,
        visits.period_end as lateness_end_date
    from {{ ref('int_cin_plan_visits_monthly') }} as visits
    inner join reporting_months
        on visits.period_end = reporting_months.period_end
    left join calendar as from_day
        on coalesce(visits.latest_seen_visit_date, visits.plan_start_date) = from_day.calendar_date
    left join calendar as visit_due
        on
            from_day.working_day_number + 20 = visit_due.working_day_number
            and visit_due.is_working_day
    where visits.is_due_a_visit
),

-- flows: one row per event in the month's 12-month window, as the indicator counts them
icpcs as (
    select
        conferences.child_key,
        'CP_ICPC_15WD' as indicator_code,
        reporting_months.period_end,
        coalesce(conferences.s47_start_date, conferences.icpc_date) as event_date,
        conference_due.calendar_date as due_date,
        conferences.icpc_date as last_event_date,
        coalesce(conferences.working_days_from_s47_start <= 15, false) as is_compliant,
        conferences.icpc_date as lateness_end_date
    from reporting_months
    inner join {{ ref('int_cp_icpcs_unified') }} as conferences
        on
            reporting_months.window_start <= conferences.icpc_date
            and reporting_months.period_end >= conferences.icpc_date
    left join calendar as s47_day
        on conferences.s47_start_date = s47_day.calendar_date
    left join calendar as conference_due
        on
            s47_day.working_day_number + 15 = conference_due.working_day_number
            and conference_due.is_working_day
    where not conferences.is_icpc_transfer_in
),

assessments as (
    select
        cin_assessments.child_key,
        'CIN_ASSESS_45WD' as indicator_code,
        reporting_months.period_end,
        cin_assessments.assessment_start_date as event_date,
        authorisation_due.calendar_date as due_date,
        cin_assessments.assessment_auth_date as last_event_date,
        coalesce(cin_assessments.working_days_to_authorisation <= 45, false) as is_compliant,
        cin_assessments.assessment_auth_date as lateness_end_date
    from reporting_months
    inner join {{ ref('int_cin_assessments_unified') }} as cin_assessments
        on
            reporting_months.window_start <= cin_assessments.assessment_auth_date
            and reporting_months.period_end >= cin_assessments.assessment_auth_date
    left join calendar as start_day
        on cin_assessments.assessment_start_date = start_day.calendar_date
    left join calendar as authorisation_due
        on
            start_day.working_day_number + 45 = authorisation_due.working_day_number
            and authorisation_due.is_working_day
),

initial_health_assessments as (
    select
        iha.child_key,
        'CLA_IHA_20WD' as indicator_code,
        iha.period_end,
        iha.period_start_date as event_date,
        iha.iha_due_date as due_date,
        case when iha.first_iha_date <= iha.period_end then iha.first_iha_date end as last_event_date,
        iha.is_iha_in_time as is_compliant,
        case
            when iha.first_iha_date <= iha.period_end then iha.first_iha_date
            else iha.period_end
        end as lateness_end_date
    from {{ ref('int_cla_iha_monthly') }} as iha
    inner join reporting_months
        on iha.period_end = reporting_months.period_end
),

-- the check whose 12 months decide: the latest, or the second latest for a child under 5
health_assessment_checks as (
    select
        health.child_key,
        health.period_end,
        health.latest_health_assessment_date,
        health.is_health_assessment_up_to_date,
        case
            when health.age_at_period_end < 5 then health.second_latest_health_assessment_date
            else health.latest_health_assessment_date
        end as deciding_check_date
    from {{ ref('int_cla_health_monthly') }} as health
    inner join reporting_months
        on health.period_end = reporting_months.period_end
),

health_assessments as (
    select
        child_key,
        'CLA_HEALTH_ASSESSMENT' as indicator_code,
        period_end,
        cast(null as date) as event_date,
        {{ shift_days(shift_months('deciding_check_date', 12), -1) }} as due_date,
        latest_health_assessment_date as last_event_date,
        is_health_assessment_up_to_date as is_compliant,
        period_end as lateness_end_date
    from health_assessment_checks
),

dental_checks as (
    select
        health.child_key,
        'CLA_DENTAL' as indicator_code,
        health.period_end,
        cast(null as date) as event_date,
        {{ shift_days(shift_months('health.latest_dental_check_date', 12), -1) }} as due_date,
        health.latest_dental_check_date as last_event_date,
        health.has_dental_check as is_compliant,
        health.period_end as lateness_end_date
    from {{ ref('int_cla_health_monthly') }} as health
    inner join reporting_months
        on health.period_end = reporting_months.period_end
),

{% set indicator_ctes = [
    'cla_visits', 'cla_reviews', 'cla_peps', 'pathway_plans', 'cp_visits', 'cp_reviews',
    'cin_visits', 'icpcs', 'assessments', 'initial_health_assessments',
    'health_assessments', 'dental_checks',
] %}
indicator_rows as (
    {%- for indicator_cte in indicator_ctes %}
        select
            child_key,
            indicator_code,
            period_end,
            event_date,
            due_date,
            last_event_date,
            is_compliant,
            lateness_end_date
        from {{ indicator_cte }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
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
    indicator_rows.event_date,
    indicator_rows.due_date,
    indicator_rows.last_event_date,
    indicator_rows.is_compliant,
    case
        when indicator_rows.is_compliant then 0
        else {{ days_between('indicator_rows.due_date', 'indicator_rows.lateness_end_date') }}
    end as days_overdue,
    open_involvements.professional_team as team,
    open_involvements.professional_id as worker
from indicator_rows
left join open_involvements
    on
        indicator_rows.child_key = open_involvements.child_key
        and indicator_rows.period_end = open_involvements.period_end
        and open_involvements.involvement_recency = 1
