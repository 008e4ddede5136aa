-- grain: one row per child looked after continuously for the 12 months to 31 March of the
-- collection year (collection_year, child): looked after on 1 April and 31 March with no
-- period of care starting or ending in the year and no short-break (V3/V4) episode. A
-- period ending on 31 March itself was open on that day: the child is in the cohort (the
-- DfE's definition, as in validator rules 186 and 191).
-- Health flags say whether the check was done in the year; the SDQ is the latest in the
-- year for children aged 4 to 17 at some time in the year.
with years as (
    select
        collection_year,
        collection_start,
        collection_end
    from {{ ref('ret_ssda903_collection_years') }}
),

episode_flags as (
    select
        episodes.collection_year,
        episodes.child_key,
        max(case when episodes.rne = 'S' and episodes.decom > years.collection_start
                then 1
            else 0
        end) as entered_in_year,
        max(case
            when
                episodes.rec is not null
                and episodes.rec != 'X1'
                and episodes.dec < years.collection_end
                then 1
            else 0
        end) as left_in_year,
        max(case when episodes.ls in ('V3', 'V4') then 1 else 0 end) as had_short_break,
        max(case
            when episodes.dec is null or episodes.dec = years.collection_end then 1 else 0
        end) as open_at_year_end
    from {{ ref('ret_ssda903_episodes') }} as episodes
    inner join years
        on episodes.collection_year = years.collection_year
    group by episodes.collection_year, episodes.child_key
),

continuously_looked_after as (
    -- looked after for 12 months at 31 March: in care since before 1 April (the year's
    -- episodes start no later than 1 April and no period starts in the year or ends
    -- before 31 March)
    select
        episode_flags.collection_year,
        episode_flags.child_key
    from episode_flags
    where
        episode_flags.entered_in_year = 0
        and episode_flags.left_in_year = 0
        and episode_flags.had_short_break = 0
        and episode_flags.open_at_year_end = 1
),

health_in_year as (
    select
        continuously_looked_after.collection_year,
        continuously_looked_after.child_key,
        max(case when checks.health_check_type = 'RHA' and checks.is_done then 1 else 0 end)
            as health_assessment,
        max(case when checks.is_dental_check and checks.is_done then 1 else 0 end) as teeth_check
    from continuously_looked_after
    inner join years
        on continuously_looked_after.collection_year = years.collection_year
    inner join {{ ref('int_cla_health_checks_unified') }} as checks
        on
            continuously_looked_after.child_key = checks.child_key
            and checks.health_check_date between years.collection_start and years.collection_end
    group by continuously_looked_after.collection_year, continuously_looked_after.child_key
),

immunisations as (
    select
        crosswalk.child_key,
        immunisations.immunisations_status,
        immunisations.immunisations_status_date,
        row_number() over (
            partition by crosswalk.child_key
            order by immunisations.immunisations_status_date desc, immunisations.source_row desc
        ) as status_preference
    from {{ ref('stg_ssd__cla_immunisations') }} as immunisations
    inner join {{ ref('int_person_crosswalk') }} as crosswalk
        on
            immunisations.source_system = crosswalk.source_system
            and immunisations.person_id = crosswalk.person_id
),

latest_sdq as (
    select
        continuously_looked_after.collection_year,
        continuously_looked_after.child_key,
        sdq.sdq_score,
        sdq.sdq_reason,
        row_number() over (
            partition by continuously_looked_after.collection_year, continuously_looked_after.child_key
            order by sdq.sdq_completed_date desc, sdq.source_row desc
        ) as sdq_preference
    from continuously_looked_after
    inner join years
        on continuously_looked_after.collection_year = years.collection_year
    inner join {{ ref('int_sdq_unified') }} as sdq
        on
            continuously_looked_after.child_key = sdq.child_key
            and coalesce(sdq.sdq_completed_date, years.collection_end)
            between years.collection_start and years.collection_end
)

select
    continuously_looked_after.collection_year,
    headers.child_key,
    headers.child,
    headers.dob,
    -- an SDQ is due for children aged 4 to 17 at some time in the year
    case
        when
            {{ shift_months('headers.dob', 48) }} <= years.collection_end
            and {{ shift_months('headers.dob', 204) }} >= years.collection_start
            then latest_sdq.sdq_score
    end as sdq_score,
    case
        when
            {{ shift_months('headers.dob', 48) }} > years.collection_end
            or {{ shift_months('headers.dob', 204) }} < years.collection_start
            then null
        when latest_sdq.child_key is not null then latest_sdq.sdq_reason
        -- no SDQ in the year of a child who turned 4 or 17 in it: outside the SDQ ages
        -- (4-16) at the year's assessment, which is reason SDQ1
        when
            {{ shift_months('headers.dob', 48) }} >= years.collection_start
            or {{ shift_months('headers.dob', 204) }} <= years.collection_end
            then 'SDQ1'
    end as sdq_reason,
    -- the warehouse holds no offending or substance misuse records: none is reported
    case when {{ age_in_years('headers.dob', 'years.collection_end') }} >= 10 then '0' end
        as convicted,
    -- the development check is asked for children under 5 at 31 March only
    case
        when {{ age_in_years('headers.dob', 'years.collection_end') }} < 5
            then cast(coalesce(health_in_year.health_assessment, 0) as varchar)
    end as health_check,
    case when immunisations.immunisations_status = 'Y' then '1' else '0' end as immunisations,
    cast(coalesce(health_in_year.teeth_check, 0) as varchar) as teeth_check,
    cast(coalesce(health_in_year.health_assessment, 0) as varchar) as health_assessment,
    '0' as substance_misuse,
    cast(null as varchar) as intervention_received,
    cast(null as varchar) as intervention_offered
from continuously_looked_after
inner join years
    on continuously_looked_after.collection_year = years.collection_year
inner join {{ ref('ret_ssda903_header') }} as headers
    on
        continuously_looked_after.collection_year = headers.collection_year
        and continuously_looked_after.child_key = headers.child_key
left join health_in_year
    on
        continuously_looked_after.collection_year = health_in_year.collection_year
        and continuously_looked_after.child_key = health_in_year.child_key
left join immunisations
    on
        continuously_looked_after.child_key = immunisations.child_key
        and immunisations.status_preference = 1
left join latest_sdq
    on
        continuously_looked_after.collection_year = latest_sdq.collection_year
        and continuously_looked_after.child_key = latest_sdq.child_key
        and latest_sdq.sdq_preference = 1
