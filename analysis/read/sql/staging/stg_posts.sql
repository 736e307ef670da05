-- stg_posts: page posts, visitor posts and comments of every snapshot read, latest version wins.
-- grain: one row per post or comment
-- inputs: posts.parquet of each snapshot; parameters (macro): files, dedupe (see stg_item_facts)
-- personal columns: message (masked at ingest), author_key (pseudonym)
create or replace macro stg_posts(files, dedupe) as table
    select * exclude (filename)
    from read_parquet(files, filename = true)
    where not dedupe

    union all by name

    select * exclude (filename)
    from read_parquet(files, filename = true)
    where dedupe
    qualify row_number() over (partition by post_id order by filename desc) = 1
