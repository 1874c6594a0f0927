CREATE TYPE mood AS ENUM ('awful', 'bad', 'sad', 'meh', 'ok', 'great');
CREATE TABLE people (id integer PRIMARY KEY, mood mood DEFAULT 'awful');
