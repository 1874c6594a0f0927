-- revision: 0001a1b2c3d4
-- down_revision: none
-- message: grids, their solves
-- created: 2026-12-04T16:00:00Z
--
-- On SQLite the app kept JSON as TEXT and booleans as 0/1; on PostgreSQL the same columns
-- are jsonb and boolean, ids are serial, and each grid gets created_at (SPEC §9 gives it
-- its default when the rows are copied over).

-- migrate:up dialect:sqlite
CREATE TABLE public_grids (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    cells TEXT NOT NULL,
    clues TEXT NOT NULL,
    solution TEXT NOT NULL,
    secret BOOLEAN NOT NULL DEFAULT 0
);
CREATE TABLE secret_grids (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    cells TEXT NOT NULL,
    clues TEXT NOT NULL,
    solution TEXT NOT NULL,
    secret BOOLEAN NOT NULL DEFAULT 1
);
CREATE TABLE solves (
    id INTEGER PRIMARY KEY,
    grid_id INTEGER NOT NULL REFERENCES public_grids (id),
    solved_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    seconds INTEGER NOT NULL
);
CREATE INDEX solves_grid_id_idx ON solves (grid_id);

-- migrate:up dialect:postgresql
CREATE TABLE public_grids (
    id serial PRIMARY KEY,
    title text NOT NULL,
    cells jsonb NOT NULL,
    clues jsonb NOT NULL,
    solution jsonb NOT NULL,
    secret boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE secret_grids (
    id serial PRIMARY KEY,
    title text NOT NULL,
    cells jsonb NOT NULL,
    clues jsonb NOT NULL,
    solution jsonb NOT NULL,
    secret boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE solves (
    id serial PRIMARY KEY,
    grid_id integer NOT NULL REFERENCES public_grids (id),
    solved_at timestamptz NOT NULL DEFAULT now(),
    seconds integer NOT NULL
);
CREATE INDEX solves_grid_id_idx ON solves (grid_id);

-- migrate:down
DROP TABLE solves;
DROP TABLE secret_grids;
DROP TABLE public_grids;
