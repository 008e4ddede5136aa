-- grain: one row per dated record (point event or interval) of the SSD tables compared
-- across a changeover, for each changeover's legacy and successor system
-- Legacy records dated before the cutover (the legacy system's history of record) and
-- successor records dated before the end of the year after the cutover: those dated
-- before the cutover are the successor's migrated history; later ones are kept so a
-- migrated date moved past the cutover (a day-month swap) can still be recognised.
-- record_date is the table's main date (event date, or interval start; for reviews the
-- review date, else the due date of a review not held).
{%- set dated_tables = [
    ('ssd_contacts', 'stg_ssd__contacts', 'contact_id', 'contact_date', none),
    ('ssd_cin_episodes', 'stg_ssd__cin_episodes', 'referral_id', 'referral_date', 'close_date'),
    ('ssd_cin_assessments', 'stg_ssd__cin_assessments', 'assessment_id', 'assessment_start_date', none),
    ('ssd_s47_enquiry', 'stg_ssd__s47_enquiry', 's47_enquiry_id', 's47_start_date', none),
    ('ssd_initial_cp_conference', 'stg_ssd__initial_cp_conference', 'icpc_id', 'icpc_date', none),
    ('ssd_cp_plans', 'stg_ssd__cp_plans', 'cp_plan_id', 'cp_plan_start_date', 'cp_plan_end_date'),
    ('ssd_cp_visits', 'stg_ssd__cp_visits', 'cp_visit_id', 'cp_visit_date', none),
    ('ssd_cp_reviews', 'stg_ssd__cp_reviews', 'cp_review_id', 'coalesce(cp_review_date, cp_review_due)', none),
    ('ssd_cin_plans', 'stg_ssd__cin_plans', 'cin_plan_id', 'cin_plan_start_date', 'cin_plan_end_date'),
    ('ssd_cin_visits', 'stg_ssd__cin_visits', 'cin_visit_id', 'cin_visit_date', none),
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'episode_start_date', 'episode_ceased_date'),
    ('ssd_cla_placement', 'stg_ssd__cla_placement', 'placement_id', 'placement_start_date', 'placement_end_date'),
    ('ssd_legal_status', 'stg_ssd__legal_status', 'legal_status_id', 'legal_status_start_date',
        'legal_status_end_date'),
    ('ssd_cla_visits', 'stg_ssd__cla_visits', 'visit_id', 'visit_date', none),
    ('ssd_cla_health', 'stg_ssd__cla_health', 'health_check_id', 'health_check_date', none),
    ('ssd_cla_pep', 'stg_ssd__cla_pep', 'pep_id', 'review_date', none),
    ('ssd_sdq_scores', 'stg_ssd__sdq_scores', 'table_id', 'sdq_completed_date', none),
    ('ssd_missing', 'stg_ssd__missing', 'table_id', 'missing_episode_start_date', 'missing_episode_end_date'),
    ('ssd_immigration_status', 'stg_ssd__immigration_status', 'immigration_status_id',
        'immigration_status_start_date', 'immigration_status_end_date'),
    ('ssd_care_leavers', 'stg_ssd__care_leavers', 'table_id', 'care_leaver_latest_contact', none),
    ('ssd_involvements', 'stg_ssd__involvements', 'involvements_id', 'involvement_start_date',
        'involvement_end_date'),
] %}
with pairs as (
    select
        legacy_system,
        successor_system,
        cutover_date
    from {{ ref('int_dq_system_pairs') }}
),

crosswalk as (
    select
        source_system,
        person_id,
        child_key
    from {{ ref('int_person_crosswalk') }}
),

cla_people as (
    -- SSD CLA reviews carry no person id: the child is found through the review's cla_id
    -- on the same system's episodes, placements and visits
    select
        source_system,
        cla_id,
        person_id
    from {{ ref('stg_ssd__cla_episodes') }}
    union all
    select
        source_system,
        cla_id,
        person_id
    from {{ ref('stg_ssd__cla_placement') }}
    union all
    select
        source_system,
        cla_id,
        person_id
    from {{ ref('stg_ssd__cla_visits') }}
),

cla_owners as (
    -- a cla_id held by more than one child (a placeholder such as -1) names no child
    select
        source_system,
        cla_id,
        min(person_id) as person_id
    from cla_people
    where cla_id is not null and person_id is not null
    group by source_system, cla_id
    having count(distinct person_id) = 1
),

source_records as (
    {% for table_name, model, id_column, date_column, end_column in dated_tables %}
        select
            '{{ table_name }}' as table_name,
            source_system,
            person_id,
            {{ id_column }} as record_id,
            {{ date_column }} as record_date,
            {{ end_column if end_column else 'cast(null as date)' }} as end_date
        from {{ ref(model) }}
        where {{ date_column }} is not null
        union all
    {% endfor %}
    select
        'ssd_cla_reviews' as table_name,
        reviews.source_system,
        cla_owners.person_id,
        reviews.review_id as record_id,
        coalesce(reviews.review_date, reviews.review_due_date) as record_date,
        cast(null as date) as end_date
    from {{ ref('stg_ssd__cla_reviews') }} as reviews
    left join cla_owners
        on
            reviews.source_system = cla_owners.source_system
            and reviews.cla_id = cla_owners.cla_id
    where coalesce(reviews.review_date, reviews.review_due_date) is not null
),

legacy_records as (
    select
        pairs.legacy_system,
        pairs.successor_system,
        pairs.cutover_date,
        'legacy' as system_role,
        source_records.source_system,
        source_records.table_name,
        source_records.person_id,
        source_records.record_id,
        source_records.record_date,
        source_records.end_date,
        true as is_before_cutover
    from source_records
    inner join pairs
        on source_records.source_system = pairs.legacy_system
    where source_records.record_date < pairs.cutover_date
),

successor_records as (
    select
        pairs.legacy_system,
        pairs.successor_system,
        pairs.cutover_date,
        'successor' as system_role,
        source_records.source_system,
        source_records.table_name,
        source_records.person_id,
        source_records.record_id,
        source_records.record_date,
        source_records.end_date,
        source_records.record_date < pairs.cutover_date as is_before_cutover
    from source_records
    inner join pairs
        on source_records.source_system = pairs.successor_system
    where source_records.record_date < {{ shift_months('pairs.cutover_date', 12) }}
),

compared_records as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        system_role,
        source_system,
        table_name,
        person_id,
        record_id,
        record_date,
        end_date,
        is_before_cutover
    from legacy_records
    union all
    select
        legacy_system,
        successor_system,
        cutover_date,
        system_role,
        source_system,
        table_name,
        person_id,
        record_id,
        record_date,
        end_date,
        is_before_cutover
    from successor_records
)

select
    compared_records.legacy_system,
    compared_records.successor_system,
    compared_records.cutover_date,
    compared_records.system_role,
    compared_records.source_system,
    compared_records.table_name,
    crosswalk.child_key,
    compared_records.person_id,
    compared_records.record_id,
    compared_records.record_date,
    compared_records.end_date,
    compared_records.is_before_cutover
from compared_records
left join crosswalk
    on
        compared_records.source_system = crosswalk.source_system
        and compared_records.person_id = crosswalk.person_id
