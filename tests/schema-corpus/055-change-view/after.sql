CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE VIEW user_names AS SELECT name, email FROM users;
