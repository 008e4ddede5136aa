-- grain: one row per missing episode and month: episodes of type "Missing" ending in the
-- month's 12-month window [window_start, period_end], of children looked after in that
-- window (int_cla_missing_monthly). is_rhi_offered: a return home interview was offered
-- (CLA_MISSING_RHI; each episode counts).
select
    looked_after.period_end,
    looked_after.child_key,
    missing_returns.source_system,
    missing_returns.source_row,
    missing_returns.missing_episode_id,
    missing_returns.missing_episode_end_date,
    missing_returns.is_rhi_offered
from {{ ref('int_cla_missing_monthly') }} as looked_after
inner join {{ ref('int_missing_returns_unified') }} as missing_returns
    on
        looked_after.child_key = missing_returns.child_key
        and missing_returns.is_missing_type
        and looked_after.window_start <= missing_returns.missing_episode_end_date
        and looked_after.period_end >= missing_returns.missing_episode_end_date
