CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text);
DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'corpus_reader') THEN CREATE ROLE corpus_reader; END IF; END$$;
