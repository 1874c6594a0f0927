-- migrate:up
CREATE INDEX users_email_idx ON users (email);
create unique index
    users_name_idx on public.users (name);
CrEaTe InDeX ON users (lower(email));
REINDEX INDEX users_email_idx;
REINDEX (VERBOSE) TABLE users;
DROP INDEX users_old_idx;
