ALTER TABLE tags ADD PRIMARY KEY (post_id, name)
