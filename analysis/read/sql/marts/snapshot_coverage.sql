-- snapshot_coverage: what each snapshot holds — its inbound items and their first and last time.
-- grain: one row per snapshot that holds at least one inbound item (each snapshot's own file,
--   not deduplicated: coverage is a property of the export).
-- inputs: item_facts.parquet of each snapshot
-- parameters:
--   $files                     item_facts.parquet paths
select
    filename,
    count(*) as inbound_items,
    count(distinct page_id) as count_pages,
    min(created_at) as first_item_at,
    max(created_at) as last_item_at
from read_parquet($files, filename = true)
group by filename
order by filename
