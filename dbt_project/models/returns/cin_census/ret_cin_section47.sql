-- grain: one row per collection year and section 47 enquiry (Section47) within a CIN
-- episode of that year: started on or before the year end, and started in the year or
-- with its initial child protection conference in the year. Conference dates after the
-- year end are left empty.
with enquiries as (
    select
        unified.child_key,
        unified.source_system,
        unified.s47_enquiry_id,
        unified.s47_start_date,
        coalesce(
            staged.is_s47_nfa
            or {{ json_text('staged.s47_outcome_json', 'CP_CONFERENCE_FLAG') }} = 'N',
            false
        ) as is_icpc_not_required
    from {{ ref('int_cin_s47_unified') }} as unified
    inner join {{ ref('stg_ssd__s47_enquiry') }} as staged
        on
            unified.source_system = staged.source_system
            and unified.source_row = staged.source_row
),

conferences as (
    select
        icpcs.source_system,
        icpcs.s47_enquiry_id,
        min(icpcs.icpc_date) as icpc_date,
        min(staged.icpc_target_date) as icpc_target_date
    from {{ ref('int_cp_icpcs_unified') }} as icpcs
    inner join {{ ref('stg_ssd__initial_cp_conference') }} as staged
        on
            icpcs.source_system = staged.source_system
            and icpcs.source_row = staged.source_row
    where not icpcs.is_icpc_transfer_in
    group by icpcs.source_system, icpcs.s47_enquiry_id
),

details as (
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

matched as (
    select
        details.collection_year,
        details.cin_episode_key,
        details.child_key,
        {{ dbt.concat(['enquiries.source_system', "'#'", 'enquiries.s47_enquiry_id']) }}
            as s47_key,
        enquiries.s47_start_date,
        case
            when conferences.icpc_target_date <= years.year_end then conferences.icpc_target_date
        end as initial_cpc_target_date,
        case when conferences.icpc_date <= years.year_end then conferences.icpc_date end
            as date_of_initial_cpc,
        enquiries.is_icpc_not_required and conferences.icpc_date is null
            as is_icpc_not_required,
        row_number() over (
            partition by details.collection_year, enquiries.source_system, enquiries.s47_enquiry_id
            order by details.referral_date desc
        ) as episode_preference
    from enquiries
    inner join details
        on
            enquiries.child_key = details.child_key
            and enquiries.s47_start_date >= details.referral_date
            and (details.closure_date is null or enquiries.s47_start_date <= details.closure_date)
    inner join years
        on details.collection_year = years.collection_year
    left join conferences
        on
            enquiries.source_system = conferences.source_system
            and enquiries.s47_enquiry_id = conferences.s47_enquiry_id
    where
        enquiries.s47_start_date <= years.year_end
        and (
            enquiries.s47_start_date >= years.year_start
            or conferences.icpc_date between years.year_start and years.year_end
        )
)

select
    collection_year,
    cin_episode_key,
    child_key,
    s47_key,
    s47_start_date,
    initial_cpc_target_date,
    date_of_initial_cpc,
    is_icpc_not_required
from matched
where episode_preference = 1
