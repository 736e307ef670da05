-- compact: one table of many snapshots as one, each row from its latest snapshot (stg_latest),
-- grouped by page so a page's rows sit in few row groups.
-- grain: one row per value of $key
-- parameters: $files (one Parquet file of the table per snapshot), $key (the table's id column)
select * from stg_latest($files, true, $key)
order by page_id
