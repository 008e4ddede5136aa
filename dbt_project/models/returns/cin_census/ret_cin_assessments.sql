-- grain: one row per collection year and assessment (Assessments) of a CIN episode in that
-- year: started within the episode on or before the year end, and not authorised before
-- the year start. An authorisation after the year end is left empty.
with details as (
    select
        collection_year,
        cin_episode_key,
        child_key,
        referral_date,
        closure_date
    from {{ ref('ret_cin_details') }}
),

years as (
    select
        collection_year,
        year_start,
        year_end
    from {{ ref('ret_cin_collection_years') }}
),

assessments as (
    select
        child_key,
        source_system,
        assessment_id,
        assessment_start_date,
        assessment_auth_date
    from {{ ref('int_cin_assessments_unified') }}
),

matched as (
    select
        details.collection_year,
        details.cin_episode_key,
        details.child_key,
        {{ dbt.concat(['assessments.source_system', "'#'", 'assessments.assessment_id']) }}
            as assessment_key,
        assessments.assessment_start_date,
        case
            when assessments.assessment_auth_date <= years.year_end
                then assessments.assessment_auth_date
        end as assessment_authorisation_date,
        row_number() over (
            partition by details.collection_year, assessments.source_system, assessments.assessment_id
            order by details.referral_date desc
        ) as episode_preference
    from assessments
    inner join details
        on
            assessments.child_key = details.child_key
            and assessments.assessment_start_date >= details.referral_date
            and (
                details.closure_date is null
                or assessments.assessment_start_date <= details.closure_date
            )
    inner join years
        on details.collection_year = years.collection_year
    where
        assessments.assessment_start_date <= years.year_end
        and (
            assessments.assessment_auth_date is null
            or assessments.assessment_auth_date >= years.year_start
        )
)

select
    collection_year,
    cin_episode_key,
    child_key,
    assessment_key,
    assessment_start_date,
    assessment_authorisation_date
from matched
where episode_preference = 1
