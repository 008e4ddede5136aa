-- grain: one row per (record, field) of any system holding a sentinel foreign key (-1, 0,
-- any negative id, 9999999...) or a placeholder placement postcode (ZZZ, XX, ZZ99 ...,
-- or one with no digit)
-- The child of a CLA review is found through its cla_id; a review whose cla_id is a
-- sentinel is given the child of the one legacy review on the same date and due date that
-- has no migrated counterpart (else the child stays unknown).
-- Affected months: the months the record is of record in its system (decision 0001),
-- clipped to its dates; a record replaced by the other system's distorts only its own
-- (start) month.
{%- set foreign_keys = [
    ('ssd_cla_placement', 'stg_ssd__cla_placement', 'placement_id', 'clap_cla_id', 'cla_id',
        'placement_start_date', 'placement_end_date'),
    ('ssd_cla_visits', 'stg_ssd__cla_visits', 'visit_id', 'clav_cla_id', 'cla_id', 'visit_date', 'visit_date'),
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'clae_referral_id', 'referral_id',
        'episode_start_date', 'episode_ceased_date'),
    ('ssd_cla_episodes', 'stg_ssd__cla_episodes', 'cla_episode_id', 'clae_cla_placement_id', 'placement_id',
        'episode_start_date', 'episode_ceased_date'),
    ('ssd_cp_visits', 'stg_ssd__cp_visits', 'cp_visit_id', 'cppv_cp_plan_id', 'cp_plan_id',
        'cp_visit_date', 'cp_visit_date'),
    ('ssd_cp_reviews', 'stg_ssd__cp_reviews', 'cp_review_id', 'cppr_cp_plan_id', 'cp_plan_id',
        'coalesce(cp_review_date, cp_review_due)', 'coalesce(cp_review_date, cp_review_due)'),
    ('ssd_cin_assessments', 'stg_ssd__cin_assessments', 'assessment_id', 'cina_referral_id', 'referral_id',
        'assessment_start_date', 'assessment_start_date'),
    ('ssd_s47_enquiry', 'stg_ssd__s47_enquiry', 's47_enquiry_id', 's47e_referral_id', 'referral_id',
        's47_start_date', 's47_start_date'),
    ('ssd_initial_cp_conference', 'stg_ssd__initial_cp_conference', 'icpc_id', 'icpc_s47_enquiry_id',
        's47_enquiry_id', 'icpc_date', 'icpc_date'),
    ('ssd_cp_plans', 'stg_ssd__cp_plans', 'cp_plan_id', 'cppl_referral_id', 'referral_id',
        'cp_plan_start_date', 'cp_plan_end_date'),
    ('ssd_cin_plans', 'stg_ssd__cin_plans', 'cin_plan_id', 'cinp_referral_id', 'referral_id',
        'cin_plan_start_date', 'cin_plan_end_date'),
    ('ssd_involvements', 'stg_ssd__involvements', 'involvements_id', 'invo_professional_id', 'professional_id',
        'involvement_start_date', 'involvement_end_date'),
    ('ssd_permanence', 'stg_ssd__permanence', 'table_id', 'perm_cla_id', 'cla_id',
        'coalesce(adm_decision_date, placement_order_date)', 'coalesce(adm_decision_date, placement_order_date)'),
] %}
{%- set sentinel_ids = ['0', '00', '-1', '-99', '-999', '-9999', '9999999', '99999999', '999999999'] %}
{%- set sentinel_id_list = "'" ~ sentinel_ids | join("', '") ~ "'" %}
{%- set placeholder_postcodes = [
    'ZZZ', 'ZZ', 'XX', 'XXX', 'XXXX', 'NA', 'N/A', 'NK', 'NONE', 'UNKNOWN', 'TBC', 'NFA'
] %}
{%- set placeholder_postcode_list = "'" ~ placeholder_postcodes | join("', '") ~ "'" %}
with systems as (
    select
        system_name,
        live_from,
        cutover_to_next
    from {{ ref('int_source_systems_sequenced') }}
),

pairs as (
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

sentinel_values as (
    {% for table_name, model, id_column, field_name, key_column, start_column, end_column in foreign_keys %}
        select
            '{{ table_name }}' as table_name,
            source_system,
            person_id,
            {{ id_column }} as record_id,
            '{{ field_name }}' as field_name,
            {{ start_column }} as start_date,
            {{ end_column }} as end_date,
            'sentinel key' as value_kind
        from {{ ref(model) }}
        where (
            trim({{ key_column }}) in ({{ sentinel_id_list }})
            or trim({{ key_column }}) like '-%'
        )
        union all
    {% endfor %}
    select
        'ssd_cla_placement' as table_name,
        source_system,
        person_id,
        placement_id as record_id,
        'clap_cla_placement_postcode' as field_name,
        placement_start_date as start_date,
        placement_end_date as end_date,
        'placeholder postcode' as value_kind
    from {{ ref('stg_ssd__cla_placement') }}
    where
        upper(trim(placement_postcode)) in ({{ placeholder_postcode_list }})
        or upper(replace(placement_postcode, ' ', '')) like 'ZZ99%'
        or (
            nullif(trim(placement_postcode), '') is not null
            and translate(placement_postcode, '0123456789', '') = placement_postcode
        )
),

cla_reviews as (
    select
        source_system,
        review_id,
        review_due_date,
        coalesce(review_date, review_due_date) as review_record_date,
        cla_id
    from {{ ref('stg_ssd__cla_reviews') }}
),

orphan_reviews as (
    select
        pairs.legacy_system,
        pairs.successor_system,
        cla_reviews.review_id,
        cla_reviews.review_due_date,
        cla_reviews.review_record_date
    from cla_reviews
    inner join pairs
        on cla_reviews.source_system = pairs.successor_system
    where
        (
            trim(cla_reviews.cla_id) in ({{ sentinel_id_list }})
            or trim(cla_reviews.cla_id) like '-%'
        )
        and cla_reviews.review_record_date < pairs.cutover_date
),

unmigrated_legacy_reviews as (
    select
        matches.legacy_system,
        matches.successor_system,
        matches.child_key,
        matches.successor_person_id,
        legacy_reviews.review_due_date,
        legacy_reviews.review_record_date
    from {{ ref('int_dq_record_matches') }} as matches
    inner join cla_reviews as legacy_reviews
        on
            matches.legacy_system = legacy_reviews.source_system
            and matches.legacy_record_id = legacy_reviews.review_id
    where matches.table_name = 'ssd_cla_reviews' and matches.match_status = 'legacy_only'
),

orphan_review_candidates as (
    select
        orphan_reviews.successor_system,
        orphan_reviews.review_id,
        unmigrated_legacy_reviews.child_key,
        count(*) over (
            partition by orphan_reviews.successor_system, orphan_reviews.review_id
        ) as candidate_count
    from orphan_reviews
    inner join unmigrated_legacy_reviews
        on
            orphan_reviews.legacy_system = unmigrated_legacy_reviews.legacy_system
            and orphan_reviews.successor_system = unmigrated_legacy_reviews.successor_system
            and orphan_reviews.review_record_date = unmigrated_legacy_reviews.review_record_date
            and orphan_reviews.review_due_date is not distinct from unmigrated_legacy_reviews.review_due_date
),

review_children as (
    select
        successor_system as source_system,
        review_id,
        child_key
    from orphan_review_candidates
    where candidate_count = 1
),

cla_review_sentinels as (
    select
        'ssd_cla_reviews' as table_name,
        cla_reviews.source_system,
        cast(null as varchar) as person_id,
        cla_reviews.review_id as record_id,
        'clar_cla_id' as field_name,
        cla_reviews.review_record_date as start_date,
        cla_reviews.review_record_date as end_date,
        'sentinel key' as value_kind,
        review_children.child_key
    from cla_reviews
    left join review_children
        on
            cla_reviews.source_system = review_children.source_system
            and cla_reviews.review_id = review_children.review_id
    where
        trim(cla_reviews.cla_id) in ({{ sentinel_id_list }})
        or trim(cla_reviews.cla_id) like '-%'
),

flagged_values as (
    select
        sentinel_values.table_name,
        sentinel_values.source_system,
        crosswalk.child_key,
        sentinel_values.person_id,
        sentinel_values.record_id,
        sentinel_values.field_name,
        sentinel_values.start_date,
        sentinel_values.end_date,
        sentinel_values.value_kind
    from sentinel_values
    left join crosswalk
        on
            sentinel_values.source_system = crosswalk.source_system
            and sentinel_values.person_id = crosswalk.person_id
    union all
    select
        cla_review_sentinels.table_name,
        cla_review_sentinels.source_system,
        cla_review_sentinels.child_key,
        holders.person_id,
        cla_review_sentinels.record_id,
        cla_review_sentinels.field_name,
        cla_review_sentinels.start_date,
        cla_review_sentinels.end_date,
        cla_review_sentinels.value_kind
    from cla_review_sentinels
    left join crosswalk as holders
        on
            cla_review_sentinels.source_system = holders.source_system
            and cla_review_sentinels.child_key = holders.child_key
),

record_months as (
    select
        flagged_values.table_name,
        flagged_values.source_system,
        flagged_values.child_key,
        flagged_values.person_id,
        flagged_values.record_id,
        flagged_values.field_name,
        flagged_values.value_kind,
        coalesce(flagged_values.start_date, systems.live_from) as own_date,
        case
            when flagged_values.start_date > systems.live_from then flagged_values.start_date
            else systems.live_from
        end as of_record_from,
        case
            when flagged_values.end_date is null then {{ shift_days('systems.cutover_to_next', -1) }}
            when systems.cutover_to_next is null then flagged_values.end_date
            when flagged_values.end_date < systems.cutover_to_next then flagged_values.end_date
            else {{ shift_days('systems.cutover_to_next', -1) }}
        end as of_record_to
    from flagged_values
    inner join systems
        on flagged_values.source_system = systems.system_name
)

select
    'sentinel_keys' as defect_kind,
    source_system,
    table_name,
    child_key,
    person_id,
    record_id,
    case
        when of_record_to < of_record_from then cast({{ dbt.last_day('own_date', 'month') }} as date)
        else cast({{ dbt.last_day('of_record_from', 'month') }} as date)
    end as affected_from,
    case
        when of_record_to < of_record_from then cast({{ dbt.last_day('own_date', 'month') }} as date)
        else cast({{ dbt.last_day('of_record_to', 'month') }} as date)
    end as affected_to,
    field_name || ' holds a ' || value_kind as detail
from record_months
