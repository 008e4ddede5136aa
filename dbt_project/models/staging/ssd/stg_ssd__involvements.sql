-- grain: one row per ssd_involvements row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_involvements'), 'ssd_involvements') }}
)

select
    invo_involvements_id as involvements_id,
    invo_professional_id as professional_id,
    invo_professional_role_id as professional_role_id,
    invo_professional_team as professional_team,
    {{ ssd_date('invo_involvement_start_date') }} as involvement_start_date,
    {{ ssd_date('invo_involvement_end_date') }} as involvement_end_date,
    invo_worker_change_reason as worker_change_reason,
    invo_person_id as person_id,
    invo_referral_id as referral_id,
    {{ ssd_lineage_columns() }}
from latest_extract
