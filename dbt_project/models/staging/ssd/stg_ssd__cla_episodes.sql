-- grain: one row per ssd_cla_episodes row of the latest successfully loaded extract of each source system,
-- plus the rows mapped from the SSDA903 sets of the format: ssda903 systems
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cla_episodes'), 'ssd_cla_episodes') }}
)

select
    clae_cla_episode_id as cla_episode_id,
    clae_person_id as person_id,
    {{ ssd_date('clae_cla_episode_start_date') }} as episode_start_date,
    {{ ssd_code('clae_cla_episode_start_reason', 'episode_start_reason') }} as episode_start_reason,
    clae_cla_episode_start_reason as episode_start_reason_source_value,
    {{ ssd_code('clae_cla_primary_need_code', 'primary_need') }} as primary_need,
    clae_cla_primary_need_code as primary_need_source_value,
    {{ ssd_date('clae_cla_episode_ceased_date') }} as episode_ceased_date,
    {{ ssd_code('clae_cla_episode_ceased_reason', 'episode_ceased_reason') }} as episode_ceased_reason,
    clae_cla_episode_ceased_reason as episode_ceased_reason_source_value,
    clae_cla_id as cla_id,
    clae_referral_id as referral_id,
    clae_cla_placement_id as placement_id,
    {{ ssd_date('clae_entered_care_date') }} as entered_care_date,
    {{ ssd_date('clae_cla_last_iro_contact_date') }} as last_iro_contact_date,
    {{ ssd_lineage_columns() }}
from latest_extract

-- rows of the systems that deliver SSDA903 sets instead (docs/decisions/0010)
union all

select
    cla_episode_id,
    person_id,
    episode_start_date,
    episode_start_reason,
    episode_start_reason_source_value,
    primary_need,
    primary_need_source_value,
    episode_ceased_date,
    episode_ceased_reason,
    episode_ceased_reason_source_value,
    cla_id,
    referral_id,
    placement_id,
    entered_care_date,
    last_iro_contact_date,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__cla_episodes') }}
