-- stg_latest: the rows of one table across snapshots, each row once: the latest snapshot wins.
-- grain: one row per value of `key`
-- inputs: one Parquet file of the same table per snapshot (files, oldest first: snapshot ids
--   sort by time, so the greatest file name is the latest snapshot)
-- parameters (macro): files — Parquet paths; dedupe — false when only one snapshot is read, so
--   the optimiser drops the deduplicating branch and a single snapshot is a plain scan; key —
--   the name of the table's id column
create or replace macro stg_latest(files, dedupe, key) as table
    select * exclude (filename)
    from read_parquet(files, filename = true)
    where not dedupe

    union all by name

    select * exclude (filename)
    from read_parquet(files, filename = true) as t
    where dedupe
    qualify row_number() over (partition by struct_extract(t, key) order by filename desc) = 1
