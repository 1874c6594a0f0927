-- migrate:up
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE users ADD COLUMN r float8 DEFAULT random() * 10;
ALTER TABLE users ADD COLUMN t timestamptz NOT NULL DEFAULT clock_timestamp();
ALTER TABLE users ADD n bigint DEFAULT nextval('users_n_seq');
ALTER TABLE users ADD COLUMN id2 bigserial;
ALTER TABLE users
    ADD COLUMN id3 integer GENERATED ALWAYS AS IDENTITY;
ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED;
ALTER TABLE users ADD COLUMN u uuid DEFAULT public.uuid_generate_v4();
