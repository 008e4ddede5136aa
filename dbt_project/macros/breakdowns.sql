{#
    The indicators broken down by child characteristics (int_scorecard_rows__breakdowns,
    docs/architecture.md "Breakdowns"), one entry each:
    - code: the indicator;
    - model: its own per-child intermediate model (the rows its headline counts), so the
      groups add up to the headline;
    - cohort: condition on that model's rows for the children counted (counts) or in the
      denominator (percentages);
    - numerator: condition for the numerator (percentages; a child is in it when any of
      its cohort rows meets it, as the headline counts distinct children);
    - unit: count (value = numerator, no denominator) or pct (100 x numerator /
      denominator);
    - is_flow: the headline is flagged partial_window when the month's window starts
      before history start, so its groups are too;
    - dimensions: the breakdowns (columns of int_breakdown_children_monthly).
    A child is in exactly one group of each breakdown, so the groups of every breakdown
    add up to the headline (tests/assert_breakdown_groups_add_up.sql).
#}
{% macro breakdown_indicators() -%}
    {%- set person_dimensions = ['age_band', 'sex', 'ethnicity_group', 'uasc', 'team'] -%}
    {%- set cla_dimensions = person_dimensions + ['placement_type_group'] -%}
    {{ return([
        {'code': 'CLA_COUNT', 'model': 'int_cla_monthly_snapshot', 'cohort': 'is_in_cla_count',
         'numerator': 'true', 'unit': 'count', 'is_flow': false, 'dimensions': cla_dimensions},
        {'code': 'CLA_VISITS_IN_TIME', 'model': 'int_cla_visits_compliance_monthly', 'cohort': 'true',
         'numerator': 'is_visited_in_time', 'unit': 'pct', 'is_flow': false, 'dimensions': cla_dimensions},
        {'code': 'CLA_REVIEWS_IN_TIME', 'model': 'int_cla_reviews_in_time_monthly', 'cohort': 'true',
         'numerator': 'is_review_in_time', 'unit': 'pct', 'is_flow': false, 'dimensions': cla_dimensions},
        {'code': 'CLA_STABILITY_3PLUS', 'model': 'int_cla_outcomes_snapshot_monthly', 'cohort': 'true',
         'numerator': 'placements_in_window >= 3', 'unit': 'pct', 'is_flow': true,
         'dimensions': cla_dimensions},
        {'code': 'CLA_HEALTH_ASSESSMENT', 'model': 'int_cla_health_monthly', 'cohort': 'true',
         'numerator': 'is_health_assessment_up_to_date', 'unit': 'pct', 'is_flow': false,
         'dimensions': cla_dimensions},
        {'code': 'CLA_PEP', 'model': 'int_cla_pep_monthly', 'cohort': 'true',
         'numerator': 'is_pep_up_to_date', 'unit': 'pct', 'is_flow': false, 'dimensions': cla_dimensions},
        {'code': 'CP_COUNT', 'model': 'int_cp_monthly_snapshot', 'cohort': 'true',
         'numerator': 'true', 'unit': 'count', 'is_flow': false, 'dimensions': person_dimensions},
        {'code': 'CP_VISITS_10WD', 'model': 'int_cp_monthly_snapshot', 'cohort': 'is_due_a_visit',
         'numerator': 'is_seen_within_10wd', 'unit': 'pct', 'is_flow': false,
         'dimensions': person_dimensions},
        {'code': 'CP_REVIEWS_IN_TIME', 'model': 'int_cp_monthly_snapshot', 'cohort': 'is_due_a_review',
         'numerator': 'is_reviewed_in_time', 'unit': 'pct', 'is_flow': false,
         'dimensions': person_dimensions},
        {'code': 'CIN_COUNT', 'model': 'int_cin_monthly_snapshot', 'cohort': 'true',
         'numerator': 'true', 'unit': 'count', 'is_flow': false, 'dimensions': person_dimensions},
        {'code': 'CIN_VISITS_20WD', 'model': 'int_cin_plan_visits_monthly', 'cohort': 'is_due_a_visit',
         'numerator': 'is_seen_within_20wd', 'unit': 'pct', 'is_flow': false,
         'dimensions': person_dimensions},
    ]) }}
{%- endmacro %}

{# Every breakdown dimension, in the order rows are built. #}
{% macro breakdown_dimensions() -%}
    {{ return(['age_band', 'sex', 'ethnicity_group', 'uasc', 'team', 'placement_type_group']) }}
{%- endmacro %}
