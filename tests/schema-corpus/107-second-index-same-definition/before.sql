CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts_tags (post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL REFERENCES tags (id));
CREATE INDEX posts_tags_tag_id_idx ON posts_tags (tag_id);
