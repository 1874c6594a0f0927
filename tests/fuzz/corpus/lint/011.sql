-- migrate:up
REINDEX TABLE users;
