-- grain: one row per (table, month) in the first year after a go-live where the events
-- recorded per open child fall short of the legacy system's rate before the cutover
-- (aggregate finding: child_key, person_id and record_id are NULL)
-- Rule: events of record per month (legacy before the cutover, successor from it) are
-- divided by the children open that month (CLA for CLA visits, reviews and health checks,
-- CP for CP visits and reviews, CIN for CIN visits) who have any such event on record.
-- The baseline is the legacy rate over the 12 months before the cutover. The
-- successor's first 12 months are pooled into 3-month blocks from go-live; a block is short when its events are below
-- (1 - tolerance) of the baseline expectation AND the shortfall is beyond chance
-- (z = (observed - expected) / sqrt(expected) below -2.0, about 2% one-sided under a
-- Poisson count). A cliff starts at go-live: the short blocks before the first block that
-- is not short (a later dip is not a changeover cliff). Each month of a cliff block whose
-- own rate is below the baseline is a row. Calibration (synthetic authority): faithful
-- migration, first block ratio >= 0.95 at 15,000 children (>= 0.66 with z >= -1.5 at
-- 5,000); half the records of the first 3 months lost, ratio 0.34-0.59 and z <= -2.3 in
-- every table at 15,000. The tolerance leaves a margin either side of a halved count.
{%- set tolerance = 0.3 %}
{%- set z_threshold = -2.0 %}
{%- set block_months = 3 %}
{%- set event_tables = [
    ('ssd_cla_visits', 'cla'), ('ssd_cla_reviews', 'cla'), ('ssd_cla_health', 'cla'),
    ('ssd_cp_visits', 'cp'), ('ssd_cp_reviews', 'cp'), ('ssd_cin_visits', 'cin'),
] %}
with pairs as (
    select
        legacy_system,
        successor_system,
        cutover_date,
        cutover_month_end,
        last_legacy_month_end
    from {{ ref('int_dq_system_pairs') }}
),

months as (
    select period_end
    from {{ ref('int_months') }}
),

table_caseloads as (
    select
        '{{ event_tables[0][0] }}' as table_name,
        '{{ event_tables[0][1] }}' as caseload
    {% for table_name, caseload in event_tables[1:] %}
        union all
        select
            '{{ table_name }}' as table_name,
            '{{ caseload }}' as caseload
    {% endfor %}
),

active_children as (
    -- children with any visit, review or health check on record in either system: an
    -- open child who never has one (a test record carried over) says nothing about
    -- recording and would dilute the rate
    select distinct records.child_key
    from {{ ref('int_dq_dated_records') }} as records
    inner join table_caseloads
        on records.table_name = table_caseloads.table_name
    where records.child_key is not null
),

open_children as (
    select
        'cla' as caseload,
        caseload_snapshot.period_end,
        count(distinct caseload_snapshot.child_key) as open_child_count
    from {{ ref('int_cla_monthly_snapshot') }} as caseload_snapshot
    inner join active_children
        on caseload_snapshot.child_key = active_children.child_key
    group by caseload_snapshot.period_end
    union all
    select
        'cp' as caseload,
        caseload_snapshot.period_end,
        count(distinct caseload_snapshot.child_key) as open_child_count
    from {{ ref('int_cp_monthly_snapshot') }} as caseload_snapshot
    inner join active_children
        on caseload_snapshot.child_key = active_children.child_key
    group by caseload_snapshot.period_end
    union all
    select
        'cin' as caseload,
        caseload_snapshot.period_end,
        count(distinct caseload_snapshot.child_key) as open_child_count
    from {{ ref('int_cin_monthly_snapshot') }} as caseload_snapshot
    inner join active_children
        on caseload_snapshot.child_key = active_children.child_key
    group by caseload_snapshot.period_end
),

monthly_events as (
    -- events of record: the legacy system's before the cutover, the successor's from it
    select
        records.legacy_system,
        records.successor_system,
        records.table_name,
        cast({{ dbt.last_day('records.record_date', 'month') }} as date) as period_end,
        count(*) as event_count
    from {{ ref('int_dq_dated_records') }} as records
    inner join table_caseloads
        on records.table_name = table_caseloads.table_name
    where
        (records.system_role = 'legacy' and records.record_date < records.cutover_date)
        or (records.system_role = 'successor' and records.record_date >= records.cutover_date)
    group by
        records.legacy_system,
        records.successor_system,
        records.table_name,
        cast({{ dbt.last_day('records.record_date', 'month') }} as date)
),

table_months as (
    -- every month of the legacy system's last year and the successor's first, with its
    -- events (zero when none) and open children
    select
        pairs.legacy_system,
        pairs.successor_system,
        pairs.cutover_month_end,
        table_caseloads.table_name,
        months.period_end,
        months.period_end >= pairs.cutover_month_end as is_after_go_live,
        floor({{ dbt.datediff('pairs.cutover_month_end', 'months.period_end', 'month') }} / {{ block_months }}.0)
            as block_number,
        coalesce(monthly_events.event_count, 0) as event_count,
        open_children.open_child_count
    from pairs
    cross join table_caseloads
    inner join months
        on
            months.period_end > {{ shift_months('pairs.last_legacy_month_end', -12) }}
            and months.period_end < {{ shift_months('pairs.cutover_date', 12) }}
    inner join open_children
        on
            table_caseloads.caseload = open_children.caseload
            and months.period_end = open_children.period_end
    left join monthly_events
        on
            pairs.legacy_system = monthly_events.legacy_system
            and pairs.successor_system = monthly_events.successor_system
            and table_caseloads.table_name = monthly_events.table_name
            and months.period_end = monthly_events.period_end
    where open_children.open_child_count > 0
),

baselines as (
    select
        legacy_system,
        successor_system,
        table_name,
        sum(event_count) * 1.0 / sum(open_child_count) as baseline_rate
    from table_months
    where not is_after_go_live
    group by legacy_system, successor_system, table_name
    having sum(event_count) > 0
),

successor_months as (
    select
        table_months.legacy_system,
        table_months.successor_system,
        table_months.table_name,
        table_months.period_end,
        table_months.block_number,
        table_months.event_count,
        table_months.open_child_count * baselines.baseline_rate as expected_count
    from table_months
    inner join baselines
        on
            table_months.legacy_system = baselines.legacy_system
            and table_months.successor_system = baselines.successor_system
            and table_months.table_name = baselines.table_name
    where table_months.is_after_go_live
),

blocks as (
    select
        legacy_system,
        successor_system,
        table_name,
        block_number,
        sum(event_count) as observed_count,
        sum(expected_count) as expected_count
    from successor_months
    group by legacy_system, successor_system, table_name, block_number
),

short_blocks as (
    select
        legacy_system,
        successor_system,
        table_name,
        block_number,
        expected_count > 0
        and observed_count < (1 - {{ tolerance }}) * expected_count
        and (observed_count - expected_count) / sqrt(expected_count) < {{ z_threshold }} as is_short
    from blocks
),

first_full_blocks as (
    select
        legacy_system,
        successor_system,
        table_name,
        min(block_number) as first_full_block
    from short_blocks
    where not is_short
    group by legacy_system, successor_system, table_name
),

cliff_blocks as (
    -- a cliff starts at go-live: short blocks up to the first block that is not short
    select
        short_blocks.legacy_system,
        short_blocks.successor_system,
        short_blocks.table_name,
        short_blocks.block_number
    from short_blocks
    left join first_full_blocks
        on
            short_blocks.legacy_system = first_full_blocks.legacy_system
            and short_blocks.successor_system = first_full_blocks.successor_system
            and short_blocks.table_name = first_full_blocks.table_name
    where
        short_blocks.is_short
        and (
            first_full_blocks.first_full_block is null
            or short_blocks.block_number < first_full_blocks.first_full_block
        )
)

select
    'recording_cliff' as defect_kind,
    successor_months.successor_system as source_system,
    successor_months.table_name,
    cast(null as varchar) as child_key,
    cast(null as varchar) as person_id,
    cast(null as varchar) as record_id,
    successor_months.period_end as affected_from,
    successor_months.period_end as affected_to,
    'events per open child at '
    || cast(cast(round(100.0 * successor_months.event_count / successor_months.expected_count) as integer) as varchar)
    || '% of the legacy rate of the 12 months before go-live' as detail
from successor_months
inner join cliff_blocks
    on
        successor_months.legacy_system = cliff_blocks.legacy_system
        and successor_months.successor_system = cliff_blocks.successor_system
        and successor_months.table_name = cliff_blocks.table_name
        and successor_months.block_number = cliff_blocks.block_number
where successor_months.event_count < successor_months.expected_count
