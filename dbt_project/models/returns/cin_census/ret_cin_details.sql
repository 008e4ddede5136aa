-- grain: one row per collection year and CIN episode open at any time in that year
-- (CINdetails). An episode is in a year when it starts on or before 31 March and is open
-- on or after 1 April; a closure after the year end is not yet known to that year's
-- return, so it is left empty.
with years as (
    select
        collection_year,
        year_start,
        year_end
    from {{ ref('ret_cin_collection_years') }}
),

episodes as (
    select
        cin_episode_key,
        child_key,
        referral_date,
        closure_date,
        referral_source,
        primary_need,
        reason_for_closure,
        is_referral_nfa
    from {{ ref('ret_cin_episodes') }}
),

episode_years as (
    select
        years.collection_year,
        years.year_start,
        years.year_end,
        episodes.cin_episode_key,
        episodes.child_key,
        episodes.referral_date,
        episodes.referral_source,
        episodes.primary_need,
        episodes.is_referral_nfa,
        case when episodes.closure_date <= years.year_end then episodes.closure_date end
            as closure_date,
        case when episodes.closure_date <= years.year_end then episodes.reason_for_closure end
            as reason_for_closure
    from episodes
    inner join years
        on
            episodes.referral_date <= years.year_end
            and (episodes.closure_date is null or episodes.closure_date >= years.year_start)
),

conferences as (
    select
        icpcs.child_key,
        icpcs.icpc_date,
        icpcs.s47_start_date
    from {{ ref('int_cp_icpcs_unified') }} as icpcs
    where not icpcs.is_icpc_transfer_in
),

episode_conferences as (
    select
        episode_years.collection_year,
        episode_years.cin_episode_key,
        min(conferences.icpc_date) as date_of_initial_cpc
    from episode_years
    inner join conferences
        on
            episode_years.child_key = conferences.child_key
            and episode_years.referral_date <= conferences.icpc_date
            and episode_years.year_end >= conferences.icpc_date
            and (
                conferences.s47_start_date is null
                or episode_years.referral_date > conferences.s47_start_date
            )
            and (
                episode_years.closure_date is null
                or episode_years.closure_date >= conferences.icpc_date
            )
    group by episode_years.collection_year, episode_years.cin_episode_key
)

select
    episode_years.collection_year,
    episode_years.cin_episode_key,
    episode_years.child_key,
    episode_years.referral_date,
    episode_years.referral_source,
    episode_years.primary_need,
    episode_years.closure_date,
    episode_years.reason_for_closure,
    episode_conferences.date_of_initial_cpc,
    episode_years.is_referral_nfa
from episode_years
left join episode_conferences
    on
        episode_years.collection_year = episode_conferences.collection_year
        and episode_years.cin_episode_key = episode_conferences.cin_episode_key
