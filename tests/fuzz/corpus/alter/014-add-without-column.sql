ALTER TABLE posts ADD summary text
