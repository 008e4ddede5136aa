-- grain: one row per landed file seen by ingest (loaded or quarantined)
select
    source_system,
    cast(extract_date as date) as extract_date,
    replace(lower(table_name), '.csv', '') as table_name,
    file_name,
    file_sha256,
    encoding,
    cast(row_count as bigint) as row_count,
    status,
    reason,
    cast(loaded_at as timestamp) as loaded_at
from {{ source('pipeline', '_load_manifest') }}
