ALTER TABLE posts ALTER COLUMN status SET DEFAULT 'draft, new' -- a comment, with a comma
