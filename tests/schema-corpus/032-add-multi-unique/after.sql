CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, UNIQUE (name, email));
