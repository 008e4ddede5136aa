-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- children in need indicators (headline rows 'all'/'all'): CIN_COUNT, CIN_RATE_10K,
-- CIN_VISITS_20WD, CIN_REFERRALS_12M, CIN_REREFERRAL_12M, CIN_ASSESS_45WD, CIN_S47_12M.
-- Definitions: docs/architecture.md ("Indicator definitions: child protection, children
-- in need, workforce"). Same columns as every int_scorecard_rows__* model.
with months as (
    select
        period_end,
        window_start,
        is_partial_window
    from {{ ref('int_months') }}
),

children_in_need as (
    select
        period_end,
        count(distinct child_key) as children_in_need
    from {{ ref('int_cin_monthly_snapshot') }}
    group by period_end
),

cin_plan_visits as (
    select
        period_end,
        count(distinct case when is_due_a_visit then child_key end) as children_due_a_visit,
        count(distinct case when is_due_a_visit and is_seen_within_20wd then child_key end)
            as children_seen_within_20wd
    from {{ ref('int_cin_plan_visits_monthly') }}
    group by period_end
),

referrals as (
    select
        months.period_end,
        count(*) as referrals_received,
        count(case when referrals.is_rereferral_12m then 1 end) as rereferrals
    from months
    inner join {{ ref('int_cin_referrals_unified') }} as referrals
        on
            months.window_start <= referrals.referral_date
            and months.period_end >= referrals.referral_date
    group by months.period_end
),

assessments as (
    select
        months.period_end,
        count(*) as assessments_authorised,
        count(case when assessments.working_days_to_authorisation <= 45 then 1 end)
            as assessments_within_45wd
    from months
    inner join {{ ref('int_cin_assessments_unified') }} as assessments
        on
            months.window_start <= assessments.assessment_auth_date
            and months.period_end >= assessments.assessment_auth_date
    group by months.period_end
),

s47_enquiries as (
    select
        months.period_end,
        count(*) as s47_enquiries_started
    from months
    inner join {{ ref('int_cin_s47_unified') }} as s47s
        on
            months.window_start <= s47s.s47_start_date
            and months.period_end >= s47s.s47_start_date
    group by months.period_end
),

monthly_counts as (
    select
        months.period_end,
        months.is_partial_window,
        coalesce(children_in_need.children_in_need, 0) as children_in_need,
        -- latest mid-year estimate of children aged 0-17 on or before period_end
        population.population_0_17,
        coalesce(cin_plan_visits.children_due_a_visit, 0) as children_due_a_visit,
        coalesce(cin_plan_visits.children_seen_within_20wd, 0) as children_seen_within_20wd,
        coalesce(referrals.referrals_received, 0) as referrals_received,
        coalesce(referrals.rereferrals, 0) as rereferrals,
        coalesce(assessments.assessments_authorised, 0) as assessments_authorised,
        coalesce(assessments.assessments_within_45wd, 0) as assessments_within_45wd,
        coalesce(s47_enquiries.s47_enquiries_started, 0) as s47_enquiries_started
    from months
    left join children_in_need
        on months.period_end = children_in_need.period_end
    left join {{ ref('int_population_monthly') }} as population
        on months.period_end = population.period_end
    left join cin_plan_visits
        on months.period_end = cin_plan_visits.period_end
    left join referrals
        on months.period_end = referrals.period_end
    left join assessments
        on months.period_end = assessments.period_end
    left join s47_enquiries
        on months.period_end = s47_enquiries.period_end
)

{#- CIN_RATE_10K: CIN_COUNT per 10,000 children aged 0-17; flows (referrals, assessments,
    s47 enquiries in the 12 months to period_end) are flagged partial_window when the
    window starts before history start. Kinds: macros/scorecard_rows.sql -#}
{%- set partial_window = "case when is_partial_window then 'partial_window' end" %}
{%- set indicators = [
    {'code': 'CIN_COUNT', 'kind': 'count', 'numerator': 'children_in_need'},
    {'code': 'CIN_VISITS_20WD', 'kind': 'pct', 'numerator': 'children_seen_within_20wd',
     'denominator': 'children_due_a_visit'},
    {'code': 'CIN_REFERRALS_12M', 'kind': 'count', 'numerator': 'referrals_received', 'flag': partial_window},
    {'code': 'CIN_REREFERRAL_12M', 'kind': 'pct', 'numerator': 'rereferrals', 'denominator': 'referrals_received',
     'flag': partial_window},
    {'code': 'CIN_ASSESS_45WD', 'kind': 'pct', 'numerator': 'assessments_within_45wd',
     'denominator': 'assessments_authorised', 'flag': partial_window},
    {'code': 'CIN_S47_12M', 'kind': 'count', 'numerator': 's47_enquiries_started', 'flag': partial_window},
    {'code': 'CIN_RATE_10K', 'kind': 'rate_10k', 'numerator': 'children_in_need',
     'denominator': 'population_0_17',
     'flag': "case when population_0_17 is null then 'population_unavailable' end"},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
