CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
-- cmig:renamed-from email
mail TEXT);
