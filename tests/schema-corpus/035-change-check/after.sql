CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, CONSTRAINT name_len CHECK (length(name) > 1));
