-- compact: one table of many snapshots as one, each row from its latest snapshot (stg_latest),
-- by page and time (a page's rows in few row groups; times sorted compress well).
-- grain: one row per value of $key
-- parameters: $files (one Parquet file of the table per snapshot), $key (the table's id column)
select * from stg_latest($files, true, $key)
order by columns('^(page_id|created_at)$')
