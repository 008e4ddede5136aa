-- grain: one row per adoption decision of a child in the header that was in force at any
-- time in the collection year (collection_year, child, date_placed): DATE_PLACED is the
-- date of the decision that the child should be placed for adoption; a decision reversed
-- by 31 March carries its ceased date and reason (RD1-RD4). A child adopted on the
-- decision has no ceased date: the adoption is reported in AD1 (rule 525).
with permanence_rows as (
    -- every decision to place for adoption, placed yet or not (intermediate
    -- int_adoption_permanence_unified keeps only records with a date placed)
    select
        source_system,
        source_row,
        person_id,
        adm_decision_date,
        decision_reversed_date,
        decision_reversed_reason
    from {{ ref('stg_ssd__permanence') }}
    where adm_decision_date is not null
),

-- the system of record on the decision date gives the record (macro system_of_record)
{{ select_events_of_record('permanence_rows', 'adm_decision_date') }},

decisions as (
    select
        child_key,
        adm_decision_date,
        decision_reversed_date,
        decision_reversed_reason,
        source_row
    from events_of_record
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
