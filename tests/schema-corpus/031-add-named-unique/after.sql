CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, CONSTRAINT users_email_uq UNIQUE (email));
