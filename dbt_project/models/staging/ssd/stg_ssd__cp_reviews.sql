-- grain: one row per ssd_cp_reviews row of the latest successfully loaded extract of each source system
with latest_extract as (
    {{ latest_extract_rows(source('ssd', 'ssd_cp_reviews'), 'ssd_cp_reviews') }}
)

select
    cppr_cp_review_id as cp_review_id,
    cppr_person_id as person_id,
    cppr_cp_plan_id as cp_plan_id,
    {{ ssd_date('cppr_cp_review_due') }} as cp_review_due,
    {{ ssd_date('cppr_cp_review_date') }} as cp_review_date,
    cppr_cp_review_meeting_id as cp_review_meeting_id,
    {{ ssd_flag('cppr_cp_review_outcome_continue_cp') }} as is_cp_plan_continued,
    {{ ssd_flag('cppr_cp_review_quorate') }} as is_review_quorate,
    cppr_cp_review_participation as cp_review_participation,
    {{ ssd_lineage_columns() }}
from latest_extract
