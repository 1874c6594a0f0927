CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE VIEW user_names AS SELECT name FROM users;
CREATE VIEW user_names2 AS SELECT name FROM user_names;
