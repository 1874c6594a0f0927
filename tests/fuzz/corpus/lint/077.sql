-- migrate:up
TRUNCATE TABLE users;
