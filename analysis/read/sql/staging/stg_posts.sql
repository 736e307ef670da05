-- stg_posts: page posts, visitor posts and comments of every snapshot read, latest version wins.
-- grain: one row per post or comment
-- inputs: posts.parquet of each snapshot, through stg_latest; parameters (macro): files, dedupe
-- personal columns: message (masked at ingest), author_key (pseudonym)
create or replace macro stg_posts(files, dedupe) as table
    select * from stg_latest(files, dedupe, 'post_id')
