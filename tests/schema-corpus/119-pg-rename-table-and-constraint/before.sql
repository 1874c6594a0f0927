CREATE TABLE pets (
    id integer PRIMARY KEY,
    name text CONSTRAINT pets_name_check CHECK (name <> '')
);
CREATE INDEX pets_name_idx ON pets (name);
