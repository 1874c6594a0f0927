ALTER TABLE comments ADD CONSTRAINT body_len CHECK (length(body) > 0 AND body <> ')')
