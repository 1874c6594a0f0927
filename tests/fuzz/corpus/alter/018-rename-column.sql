ALTER TABLE posts RENAME COLUMN title TO headline
