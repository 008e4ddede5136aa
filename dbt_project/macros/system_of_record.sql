{#
    Which system is the record for which dates (docs/architecture.md, "Intermediate").

    For each legacy/successor pair with cutover date C, facts dated before C come from the
    legacy system's final extract and facts dated on or after C from the successor. When
    the legacy system has no rows at all for a table, the successor's migrated history is
    used for all dates. With several systems: a system is the record from the cutover
    after the nearest earlier system that holds rows for the table (from the beginning of
    time when none does) until its own cutover to the next system.

    These macros emit CTEs for use inside a model's `with` clause; `rows_cte` must hold
    source_system, source_row and person_id.
#}

{#
    CTEs `keyed_rows` (rows_cte plus child_key) and `record_windows`
    (source_system, record_from, record_until: the system is the record for dates in
    [record_from, record_until); NULL = unbounded).
#}
{% macro system_of_record_windows(rows_cte) -%}
keyed_rows as (
    select
        source_rows.*,
        coalesce(
            crosswalk.child_key,
            {{ dbt.concat(['source_rows.source_system', "':'", 'source_rows.person_id']) }}
        ) as child_key
    from {{ rows_cte }} as source_rows
    left join {{ ref('int_person_crosswalk') }} as crosswalk
        on
            source_rows.source_system = crosswalk.source_system
            and source_rows.person_id = crosswalk.person_id
    where source_rows.person_id is not null
),

systems_holding_rows as (
    select distinct source_system
    from keyed_rows
),

record_windows as (
    select
        systems.system_name as source_system,
        systems.system_sequence,
        -- the cutover after the nearest earlier system holding rows for this table
        max(
            case when systems_holding_rows.source_system is not null then systems.cutover_to_next end
        ) over (
            order by systems.system_sequence
            rows between unbounded preceding and 1 preceding
        ) as record_from,
        systems.cutover_to_next as record_until
    from {{ ref('int_source_systems_sequenced') }} as systems
    left join systems_holding_rows
        on systems.system_name = systems_holding_rows.source_system
)
{%- endmacro %}


{#
    Point events (visits, reviews, health checks, ...): CTE `events_of_record` holding
    the rows of rows_cte (plus child_key) dated inside their system's record window.
#}
{% macro select_events_of_record(rows_cte, date_column) -%}
{{ system_of_record_windows(rows_cte) }},

events_of_record as (
    select keyed_rows.*
    from keyed_rows
    inner join record_windows
        on keyed_rows.source_system = record_windows.source_system
    where
        keyed_rows.{{ date_column }} is not null
        and (record_windows.record_from is null or keyed_rows.{{ date_column }} >= record_windows.record_from)
        and (record_windows.record_until is null or keyed_rows.{{ date_column }} < record_windows.record_until)
)
{%- endmacro %}


{#
    Intervals (CLA episodes, placements, legal statuses, CP plans, CIN episodes):
    CTE `stitched_intervals` holding rows_cte's rows of record (rows_cte needs start_date
    and end_date) plus child_key, record_from, record_until and:

    - effective_start_date: start_date, or the cutover for the successor's migrated
      history (a successor row starting before C counts only from C, and only when it is
      open on C: end NULL or end >= C);
    - effective_end_date: end_date, moved by the seam rule or closed at C when lost;
    - is_migrated_history, is_continued_across_cutover, is_seam_continuation,
      is_lost_at_cutover, continues_source_system / continues_source_row;
    - stay_start_date: start of the continuous stay across the cutover (the legacy start
      for a continuation; else effective_start_date).

    Seam rule, per child and cutover C:
      tail     = the latest-starting legacy interval reaching the cutover
                 (end NULL, i.e. open at the legacy final extract, or end >= C-1);
      migrated = the successor's migrated copy open on C (earliest original start);
      new      = the successor's earliest interval starting in [C-1, C+1] that is not
                 migrated history.
      1. tail + migrated: the migrated copy continues the tail (a clean migration).
      2. (migrated if any, else tail) + new: when the earlier one ends within [C-1, C]
         (the tail may also be open), the new interval continues it (a period split at
         the cutover: legacy episode ceased at go-live, new `S` episode next day).
         With continue_after_migrated_end=false a migrated copy ending on C is taken as
         a real end (placements: a move on the cutover day is a new placement).
    The earlier interval of a pair ends where the later one starts. A legacy interval
    still open at the final extract (or ending after C) with no continuation is closed
    at C and marked lost: the child was not migrated.
#}
{% macro stitch_intervals_across_cutover(rows_cte, continue_after_migrated_end=true) -%}
{{ system_of_record_windows(rows_cte) }},

windowed_rows as (
    select
        keyed_rows.*,
        record_windows.record_from,
        record_windows.record_until,
        coalesce(keyed_rows.start_date < record_windows.record_from, false) as is_migrated_history,
        case
            when keyed_rows.start_date < record_windows.record_from then record_windows.record_from
            else keyed_rows.start_date
        end as effective_start_date
    from keyed_rows
    inner join record_windows
        on keyed_rows.source_system = record_windows.source_system
    where
        keyed_rows.start_date is not null
        and (record_windows.record_until is null or keyed_rows.start_date < record_windows.record_until)
        and (
            record_windows.record_from is null
            or keyed_rows.start_date >= record_windows.record_from
            or keyed_rows.end_date is null
            or keyed_rows.end_date >= record_windows.record_from
        )
),

cutovers as (
    select
        source_system as successor_system,
        record_from as cutover_date
    from record_windows
    where record_from is not null
),

seam_tails as (
    select
        cutovers.cutover_date,
        windowed_rows.child_key,
        windowed_rows.source_system,
        windowed_rows.source_row,
        windowed_rows.effective_start_date,
        windowed_rows.end_date,
        row_number() over (
            partition by cutovers.cutover_date, windowed_rows.child_key
            order by
                windowed_rows.effective_start_date desc,
                windowed_rows.end_date desc nulls first,
                windowed_rows.source_row desc
        ) as tail_rank
    from windowed_rows
    inner join cutovers
        on windowed_rows.record_until = cutovers.cutover_date
    where
        windowed_rows.end_date is null
        or windowed_rows.end_date >= {{ shift_days('cutovers.cutover_date', -1) }}
),

seam_migrated_heads as (
    select
        cutovers.cutover_date,
        windowed_rows.child_key,
        windowed_rows.source_system,
        windowed_rows.source_row,
        windowed_rows.effective_start_date,
        windowed_rows.end_date,
        row_number() over (
            partition by cutovers.cutover_date, windowed_rows.child_key
            order by windowed_rows.start_date, windowed_rows.end_date desc nulls first, windowed_rows.source_row
        ) as head_rank
    from windowed_rows
    inner join cutovers
        on
            windowed_rows.source_system = cutovers.successor_system
            and windowed_rows.record_from = cutovers.cutover_date
    where windowed_rows.is_migrated_history
),

seam_new_heads as (
    select
        cutovers.cutover_date,
        windowed_rows.child_key,
        windowed_rows.source_system,
        windowed_rows.source_row,
        windowed_rows.effective_start_date,
        row_number() over (
            partition by cutovers.cutover_date, windowed_rows.child_key
            order by windowed_rows.effective_start_date, windowed_rows.source_row
        ) as head_rank
    from windowed_rows
    inner join cutovers
        on
            windowed_rows.source_system = cutovers.successor_system
            and windowed_rows.record_from = cutovers.cutover_date
    where
        not windowed_rows.is_migrated_history
        and windowed_rows.effective_start_date <= {{ shift_days('cutovers.cutover_date', 1) }}
),

seam_children as (
    select cutover_date, child_key from seam_tails where tail_rank = 1
    union
    select cutover_date, child_key from seam_migrated_heads where head_rank = 1
    union
    select cutover_date, child_key from seam_new_heads where head_rank = 1
),

seam_chains as (
    select
        seam_children.cutover_date,
        seam_children.child_key,
        seam_tails.source_system as tail_system,
        seam_tails.source_row as tail_row,
        seam_tails.effective_start_date as tail_start_date,
        seam_migrated_heads.source_system as migrated_system,
        seam_migrated_heads.source_row as migrated_row,
        seam_migrated_heads.effective_start_date as migrated_start_date,
        seam_migrated_heads.end_date as migrated_end_date,
        seam_new_heads.source_system as new_system,
        seam_new_heads.source_row as new_row,
        seam_new_heads.effective_start_date as new_start_date
    from seam_children
    left join seam_tails
        on
            seam_children.cutover_date = seam_tails.cutover_date
            and seam_children.child_key = seam_tails.child_key
            and seam_tails.tail_rank = 1
    left join seam_migrated_heads
        on
            seam_children.cutover_date = seam_migrated_heads.cutover_date
            and seam_children.child_key = seam_migrated_heads.child_key
            and seam_migrated_heads.head_rank = 1
    left join seam_new_heads
        on
            seam_children.cutover_date = seam_new_heads.cutover_date
            and seam_children.child_key = seam_new_heads.child_key
            and seam_new_heads.head_rank = 1
),

seam_links as (
    -- 1. the successor's migrated copy continues the legacy interval
    select
        tail_system as earlier_system,
        tail_row as earlier_row,
        migrated_system as later_system,
        migrated_row as later_row,
        migrated_start_date as later_start_date,
        tail_start_date as stay_start_date
    from seam_chains
    where tail_row is not null and migrated_row is not null
    union all
    -- 2. a new successor interval continues one ending at the cutover (split period)
    select
        coalesce(migrated_system, tail_system) as earlier_system,
        coalesce(migrated_row, tail_row) as earlier_row,
        new_system as later_system,
        new_row as later_row,
        new_start_date as later_start_date,
        coalesce(tail_start_date, migrated_start_date) as stay_start_date
    from seam_chains
    where
        new_row is not null
        and (
            {%- if continue_after_migrated_end %}
            (migrated_row is not null and migrated_end_date <= cutover_date)
            or
            {%- endif %}
            (migrated_row is null and tail_row is not null)
        )
),

stitched_intervals as (
    select
        windowed_rows.*,
        case
            when continued_by.earlier_row is not null then continued_by.later_start_date
            when
                windowed_rows.record_until is not null
                and (windowed_rows.end_date is null or windowed_rows.end_date > windowed_rows.record_until)
                then windowed_rows.record_until
            else windowed_rows.end_date
        end as effective_end_date,
        continued_by.earlier_row is not null as is_continued_across_cutover,
        continues.later_row is not null as is_seam_continuation,
        (
            continued_by.earlier_row is null
            and windowed_rows.record_until is not null
            and (windowed_rows.end_date is null or windowed_rows.end_date > windowed_rows.record_until)
        ) as is_lost_at_cutover,
        continues.earlier_system as continues_source_system,
        continues.earlier_row as continues_source_row,
        coalesce(continues.stay_start_date, windowed_rows.effective_start_date) as stay_start_date
    from windowed_rows
    left join seam_links as continued_by
        on
            windowed_rows.source_system = continued_by.earlier_system
            and windowed_rows.source_row = continued_by.earlier_row
    left join seam_links as continues
        on
            windowed_rows.source_system = continues.later_system
            and windowed_rows.source_row = continues.later_row
)
{%- endmacro %}
