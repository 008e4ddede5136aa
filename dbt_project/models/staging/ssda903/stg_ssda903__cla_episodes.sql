-- grain: one row per 903 episode (stg_ssda903__episodes), in the shape of stg_ssd__cla_episodes
-- The 903 codes (RNE, CIN, REC) are the reference codes. cla_id is the child's 903 id, so
-- reviews (which 903 keys by CHILD) find their child the way SSD reviews do.
select
    {{ dbt.concat(["'episode-'", 'cast(source_row as varchar)']) }} as cla_episode_id,
    person_id,
    episode_start_date,
    {{ ssd_code('rne', 'episode_start_reason', 'source_system') }} as episode_start_reason,
    rne as episode_start_reason_source_value,
    {{ ssd_code('cin', 'primary_need', 'source_system') }} as primary_need,
    cin as primary_need_source_value,
    episode_ceased_date,
    {{ ssd_code('rec', 'episode_ceased_reason', 'source_system') }} as episode_ceased_reason,
    rec as episode_ceased_reason_source_value,
    person_id as cla_id,
    cast(null as varchar) as referral_id,
    placement_id,
    case when rne = 'S' then episode_start_date end as entered_care_date,
    cast(null as date) as last_iro_contact_date,
    source_system,
    extract_date,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_ssda903__episodes') }}
