CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, CONSTRAINT users_name_len CHECK (length(name) > 0));
