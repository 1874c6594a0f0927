CREATE TABLE owners (id integer PRIMARY KEY);
-- cmig:renamed-from pets
CREATE TABLE animals (
    id integer PRIMARY KEY,
    owner_id integer CONSTRAINT animals_owner_fk REFERENCES owners(id),
    name text
);
