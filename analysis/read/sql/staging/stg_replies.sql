-- stg_replies: the pages' own replies of every snapshot read, latest version wins.
-- grain: one row per page reply
-- inputs: replies.parquet of each snapshot; parameters (macro): files, dedupe (see stg_item_facts)
create or replace macro stg_replies(files, dedupe) as table
    select * exclude (filename)
    from read_parquet(files, filename = true)
    where not dedupe

    union all by name

    select * exclude (filename)
    from read_parquet(files, filename = true)
    where dedupe
    qualify row_number() over (partition by reply_id order by filename desc) = 1
