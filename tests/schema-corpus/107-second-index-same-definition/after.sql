-- t640 seed 142: a second index with the same definition as an existing one; the existing
-- index must stay paired with itself (equal name first), so only ix is created
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts_tags (post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL REFERENCES tags (id));
CREATE INDEX posts_tags_tag_id_idx ON posts_tags (tag_id);
CREATE INDEX ix ON posts_tags (tag_id);
