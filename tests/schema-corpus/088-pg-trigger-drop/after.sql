CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
