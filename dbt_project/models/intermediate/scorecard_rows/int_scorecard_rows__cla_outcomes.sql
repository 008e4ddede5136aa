-- grain: one row per indicator_code, period_end, breakdown, breakdown_value for the
-- looked-after outcome indicators (headline rows 'all'/'all'). Definitions: the
-- looked_after_outcomes YAML and docs/architecture.md ("Indicator definitions:
-- looked-after outcomes"). Same columns as every int_scorecard_rows__* model.
with months as (
    select
        period_end,
        is_partial_window
    from {{ ref('int_months') }}
),

snapshot_counts as (
    select
        period_end,
        count(distinct child_key) as children_looked_after,
        count(distinct case when is_uasc then child_key end) as children_uasc,
        count(distinct case when current_placement_type = 'P1' then child_key end) as children_placed_with_parents,
        count(
            distinct case when current_placement_type in ('U1', 'U2', 'U3') then child_key end
        ) as children_with_connected_carers,
        count(distinct case when placements_in_window >= 3 then child_key end) as children_with_3plus_placements,
        count(distinct case when is_out_of_area_20mi then child_key end) as children_out_of_area_20mi
    from {{ ref('int_cla_outcomes_snapshot_monthly') }}
    group by period_end
),

-- CLA_OUT_OF_AREA_20MI needs the LA boundary: without boundary_postcodes it is not computed
boundary as (
    select count(*) > 0 as is_configured
    from {{ ref('stg_pipeline__la_boundary_postcodes') }}
),

missing_counts as (
    select
        period_end,
        count(distinct child_key) as children_looked_after_in_window,
        count(distinct case when went_missing then child_key end) as children_missing
    from {{ ref('int_cla_missing_monthly') }}
    group by period_end
),

health_counts as (
    select
        period_end,
        count(distinct child_key) as children_looked_after_12m,
        count(distinct case when is_health_assessment_up_to_date then child_key end) as children_health_up_to_date,
        count(distinct case when has_dental_check then child_key end) as children_with_dental_check,
        count(distinct case when latest_sdq_score is not null then child_key end) as children_with_sdq_score,
        sum(latest_sdq_score) as sdq_score_total,
        count(distinct case when latest_sdq_score >= 17 then child_key end) as children_with_sdq_concern
    from {{ ref('int_cla_health_monthly') }}
    group by period_end
),

pep_counts as (
    select
        period_end,
        count(distinct child_key) as children_of_school_age,
        count(distinct case when is_pep_up_to_date then child_key end) as children_with_pep
    from {{ ref('int_cla_pep_monthly') }}
    group by period_end
),

reviews_counts as (
    select
        period_end,
        count(distinct child_key) as children_due_reviews,
        count(distinct case when is_review_in_time then child_key end) as children_reviews_in_time
    from {{ ref('int_cla_reviews_in_time_monthly') }}
    group by period_end
),

long_term_counts as (
    select
        period_end,
        count(distinct child_key) as children_looked_after_2_5_years,
        count(distinct case when is_stable then child_key end) as children_in_stable_placements
    from {{ ref('int_cla_long_term_stability_monthly') }}
    group by period_end
),

iha_counts as (
    select
        period_end,
        count(distinct period_of_care_id) as periods_due_iha,
        count(distinct case when is_iha_in_time then period_of_care_id end) as periods_with_iha_in_time
    from {{ ref('int_cla_iha_monthly') }}
    group by period_end
),

return_interview_counts as (
    select
        period_end,
        count(*) as missing_episodes_ended,
        sum(case when is_rhi_offered then 1 else 0 end) as missing_episodes_rhi_offered
    from {{ ref('int_cla_missing_returns_monthly') }}
    group by period_end
),

monthly_counts as (
    select
        months.period_end,
        months.is_partial_window,
        coalesce(snapshot_counts.children_looked_after, 0) as children_looked_after,
        coalesce(snapshot_counts.children_uasc, 0) as children_uasc,
        coalesce(snapshot_counts.children_placed_with_parents, 0) as children_placed_with_parents,
        coalesce(snapshot_counts.children_with_connected_carers, 0) as children_with_connected_carers,
        coalesce(snapshot_counts.children_with_3plus_placements, 0) as children_with_3plus_placements,
        case
            when boundary.is_configured then coalesce(snapshot_counts.children_out_of_area_20mi, 0)
        end as children_out_of_area_20mi,
        boundary.is_configured as is_boundary_configured,
        coalesce(missing_counts.children_looked_after_in_window, 0) as children_looked_after_in_window,
        coalesce(missing_counts.children_missing, 0) as children_missing,
        coalesce(health_counts.children_looked_after_12m, 0) as children_looked_after_12m,
        coalesce(health_counts.children_health_up_to_date, 0) as children_health_up_to_date,
        coalesce(health_counts.children_with_dental_check, 0) as children_with_dental_check,
        coalesce(health_counts.children_with_sdq_score, 0) as children_with_sdq_score,
        coalesce(health_counts.sdq_score_total, 0) as sdq_score_total,
        coalesce(health_counts.children_with_sdq_concern, 0) as children_with_sdq_concern,
        coalesce(pep_counts.children_of_school_age, 0) as children_of_school_age,
        coalesce(pep_counts.children_with_pep, 0) as children_with_pep,
        coalesce(reviews_counts.children_due_reviews, 0) as children_due_reviews,
        coalesce(reviews_counts.children_reviews_in_time, 0) as children_reviews_in_time,
        coalesce(long_term_counts.children_looked_after_2_5_years, 0) as children_looked_after_2_5_years,
        coalesce(long_term_counts.children_in_stable_placements, 0) as children_in_stable_placements,
        coalesce(iha_counts.periods_due_iha, 0) as periods_due_iha,
        coalesce(iha_counts.periods_with_iha_in_time, 0) as periods_with_iha_in_time,
        coalesce(return_interview_counts.missing_episodes_ended, 0) as missing_episodes_ended,
        coalesce(return_interview_counts.missing_episodes_rhi_offered, 0) as missing_episodes_rhi_offered
    from months
    cross join boundary
    left join snapshot_counts
        on months.period_end = snapshot_counts.period_end
    left join missing_counts
        on months.period_end = missing_counts.period_end
    left join health_counts
        on months.period_end = health_counts.period_end
    left join pep_counts
        on months.period_end = pep_counts.period_end
    left join reviews_counts
        on months.period_end = reviews_counts.period_end
    left join long_term_counts
        on months.period_end = long_term_counts.period_end
    left join iha_counts
        on months.period_end = iha_counts.period_end
    left join return_interview_counts
        on months.period_end = return_interview_counts.period_end
)

{#- value formed by kind (macros/scorecard_rows.sql): count = numerator, pct = 100 x
    numerator / denominator, mean = numerator / denominator -#}
{%- set partial_window = "case when is_partial_window then 'partial_window' end" %}
{%- set indicators = [
    {'code': 'CLA_UASC', 'kind': 'count', 'numerator': 'children_uasc'},
    {'code': 'CLA_PLACED_WITH_PARENTS', 'kind': 'count', 'numerator': 'children_placed_with_parents'},
    {'code': 'CLA_CONNECTED_CARERS', 'kind': 'count', 'numerator': 'children_with_connected_carers'},
    {'code': 'CLA_STABILITY_3PLUS', 'kind': 'pct', 'numerator': 'children_with_3plus_placements',
     'denominator': 'children_looked_after', 'flag': partial_window},
    {'code': 'CLA_OUT_OF_AREA_20MI', 'kind': 'pct', 'numerator': 'children_out_of_area_20mi',
     'denominator': 'children_looked_after',
     'flag': "case when not is_boundary_configured then 'boundary_not_configured' end"},
    {'code': 'CLA_MISSING_12M', 'kind': 'pct', 'numerator': 'children_missing',
     'denominator': 'children_looked_after_in_window', 'flag': partial_window},
    {'code': 'CLA_HEALTH_ASSESSMENT', 'kind': 'pct', 'numerator': 'children_health_up_to_date',
     'denominator': 'children_looked_after_12m'},
    {'code': 'CLA_DENTAL', 'kind': 'pct', 'numerator': 'children_with_dental_check',
     'denominator': 'children_looked_after_12m'},
    {'code': 'CLA_SDQ_AVG', 'kind': 'mean', 'numerator': 'sdq_score_total',
     'denominator': 'children_with_sdq_score'},
    {'code': 'CLA_SDQ_CONCERN', 'kind': 'pct', 'numerator': 'children_with_sdq_concern',
     'denominator': 'children_with_sdq_score'},
    {'code': 'CLA_PEP', 'kind': 'pct', 'numerator': 'children_with_pep', 'denominator': 'children_of_school_age'},
    {'code': 'CLA_REVIEWS_IN_TIME', 'kind': 'pct', 'numerator': 'children_reviews_in_time',
     'denominator': 'children_due_reviews'},
    {'code': 'CLA_STABILITY_LONG_TERM', 'kind': 'pct', 'numerator': 'children_in_stable_placements',
     'denominator': 'children_looked_after_2_5_years'},
    {'code': 'CLA_IHA_20WD', 'kind': 'pct', 'numerator': 'periods_with_iha_in_time',
     'denominator': 'periods_due_iha', 'flag': partial_window},
    {'code': 'CLA_MISSING_RHI', 'kind': 'pct', 'numerator': 'missing_episodes_rhi_offered',
     'denominator': 'missing_episodes_ended', 'flag': partial_window},
] %}

{{ scorecard_indicator_rows(indicators, 'monthly_counts') }}
