-- cmig:renamed-from pets
CREATE TABLE animals (
    id integer PRIMARY KEY,
    name text CONSTRAINT animals_name_check CHECK (name <> '')
);
CREATE INDEX animals_name_idx ON animals (name);
