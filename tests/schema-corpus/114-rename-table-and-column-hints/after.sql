-- cmig:renamed-from users
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- cmig:renamed-from email
    mail TEXT
);
