-- migrate:up
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();
ALTER TABLE users ADD COLUMN note text DEFAULT 'random()';
ALTER TABLE users ADD COLUMN "random" int DEFAULT 0;
ALTER TABLE users ADD COLUMN s text;
