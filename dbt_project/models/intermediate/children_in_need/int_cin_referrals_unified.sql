-- grain: one row per referral of record (one CIN episode source row), dated by the
-- referral date
-- Point events (macro select_events_of_record): referrals dated before the cutover come
-- from the legacy system, from it on from the successor, so a referral migrated into the
-- successor is counted once. is_rereferral_12m: the same child had an earlier referral
-- dated on or after the day 12 calendar months before this one (CIN_REREFERRAL_12M).
with referral_rows as (
    select
        source_system,
        source_row,
        person_id,
        referral_id,
        referral_date
    from {{ ref('stg_ssd__cin_episodes') }}
),

{{ select_events_of_record('referral_rows', 'referral_date') }},

referrals_with_previous as (
    select
        child_key,
        source_system,
        source_row,
        person_id,
        referral_id,
        referral_date,
        max(referral_date) over (
            partition by child_key
            order by referral_date, source_system, source_row
            rows between unbounded preceding and 1 preceding
        ) as previous_referral_date
    from events_of_record
)

select
    child_key,
    source_system,
    source_row,
    person_id,
    referral_id,
    referral_date,
    previous_referral_date,
    coalesce(
        previous_referral_date < referral_date
        and previous_referral_date >= {{ shift_months('referral_date', -12) }},
        false
    ) as is_rereferral_12m
from referrals_with_previous
