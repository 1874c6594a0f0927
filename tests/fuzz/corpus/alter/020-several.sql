ALTER TABLE ONLY public.posts
    ALTER COLUMN title SET NOT NULL,
    ADD CONSTRAINT posts_title_len CHECK (length(title) < 200),
    DROP COLUMN legacy,
    ALTER COLUMN views TYPE bigint
