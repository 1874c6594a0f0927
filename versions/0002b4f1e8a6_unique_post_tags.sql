-- revision: 0002b4f1e8a6
-- down_revision: 0001a7e3c9d2
-- message: unique post tags
-- created: 2026-11-03T09:00:00Z
--
-- Was 002_unique_post_tags.sql (user_version 2); a post carries each tag once.

-- migrate:up
CREATE UNIQUE INDEX posts_tags_post_tag_uniq ON posts_tags (post_id, tag_id);

-- migrate:down
DROP INDEX posts_tags_post_tag_uniq;
