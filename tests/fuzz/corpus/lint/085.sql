-- migrate:up
LOCK TABLE users;
LOCK users IN SHARE MODE;
SELECT 'LOCK TABLE users';
