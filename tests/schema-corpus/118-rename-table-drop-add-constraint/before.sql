CREATE TABLE owners (id integer PRIMARY KEY);
CREATE TABLE pets (
    id integer PRIMARY KEY,
    owner_id integer,
    name text CONSTRAINT pets_name_check CHECK (name <> '')
);
