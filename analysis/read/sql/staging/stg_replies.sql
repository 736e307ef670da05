-- stg_replies: the pages' own replies of every snapshot read, latest version wins.
-- grain: one row per page reply
-- inputs: replies.parquet of each snapshot, through stg_latest; parameters (macro): files, dedupe
create or replace macro stg_replies(files, dedupe) as table
    select * from stg_latest(files, dedupe, 'reply_id')
