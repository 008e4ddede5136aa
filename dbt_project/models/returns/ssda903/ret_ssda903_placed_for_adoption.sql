-- grain: one row per adoption decision of a child in the header that was in force at any
-- time in the collection year (collection_year, child, date_placed): DATE_PLACED is the
-- date of the decision that the child should be placed for adoption; a decision reversed
-- by 31 March carries its ceased date and reason (RD1-RD4). A child adopted on the
-- decision has no ceased date: the adoption is reported in AD1 (rule 525).
with decisions as (
    select
        unified.child_key,
        staged.adm_decision_date,
        staged.decision_reversed_date,
        staged.decision_reversed_reason,
        unified.source_row
    from {{ ref('int_adoption_permanence_unified') }} as unified
    inner join {{ ref('stg_ssd__permanence') }} as staged
        on
            unified.source_system = staged.source_system
            and unified.source_row = staged.source_row
    where staged.adm_decision_date is not null
),

ceased_decisions as (
    -- a decision belongs to the period of care it was made in: once that period has
    -- ended it is no longer in force, whatever the record says
    select
        decisions.child_key,
        decisions.adm_decision_date,
        periods.period_end_date,
        decisions.decision_reversed_date as ceased_date,
        decisions.decision_reversed_reason as ceased_reason
    from decisions
    inner join {{ ref('int_cla_periods_of_care') }} as periods
        on
            decisions.child_key = periods.child_key
            and decisions.adm_decision_date >= periods.period_start_date
            and (
                periods.period_end_date is null
                or decisions.adm_decision_date <= periods.period_end_date
            )
)

select distinct
    headers.collection_year,
    headers.child_key,
    headers.child,
    headers.dob,
    ceased_decisions.adm_decision_date as date_placed,
    case
        when ceased_decisions.ceased_date <= years.collection_end then ceased_decisions.ceased_date
    end as date_placed_ceased,
    case
        when ceased_decisions.ceased_date <= years.collection_end then ceased_decisions.ceased_reason
    end as reason_placed_ceased
from {{ ref('ret_ssda903_header') }} as headers
inner join {{ ref('ret_ssda903_collection_years') }} as years
    on headers.collection_year = years.collection_year
inner join ceased_decisions
    on
        headers.child_key = ceased_decisions.child_key
        and years.collection_end >= ceased_decisions.adm_decision_date
        and (
            ceased_decisions.ceased_date is null
            or years.collection_start <= ceased_decisions.ceased_date
        )
        and (
            ceased_decisions.period_end_date is null
            or years.collection_start <= ceased_decisions.period_end_date
        )
