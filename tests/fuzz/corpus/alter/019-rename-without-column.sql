ALTER TABLE posts RENAME "Title" TO title
