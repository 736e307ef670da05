-- int_inbound_posts: the stored posts behind the inbound items — who wrote them (pseudonym),
--   where (the page post a comment is under), whether the page hid them and whether masking
--   found a personnummer in them. thread_key names the place a follow-up would be written: the
--   page post a comment is under, or the page's wall for a visitor post (visitors' nested
--   replies are conversation, not stored).
-- grain: one row per visitor post or comment (each once across snapshots, the latest wins)
-- inputs: posts.parquet of each snapshot
-- parameters (macro): post_files, dedupe — posts.parquet paths and whether to deduplicate them
-- Snapshots written before posts had has_personnummer lack the column: the files are read by
-- name, and the empty typed branch gives the column to a read where no file has it, so it reads
-- as NULL (unknown) for those snapshots' posts. As in stg_latest, one branch reads a single
-- snapshot plainly and the other deduplicates, so one snapshot's posts are not sorted by id for a
-- window that keeps every row.
create or replace macro int_inbound_posts(post_files, dedupe) as table
    with all_posts as (
        select * from read_parquet(post_files, filename = true, union_by_name = true)
        union all by name
        select null::boolean as has_personnummer, null::varchar as filename
        where false
    ),

    inbound as (
        select
            post_id,
            page_id,
            kind,
            parent_id,
            created_at,
            author_key,
            is_hidden,
            has_personnummer,
            coalesce('post:' || parent_id, 'wall:' || page_id) as thread_key,
            filename
        from all_posts
        where kind in ('visitor_post', 'comment')
    )

    select * exclude (filename)
    from inbound
    where not dedupe

    union all by name

    select * exclude (filename)
    from inbound
    where dedupe
    qualify row_number() over (partition by post_id order by filename desc) = 1
