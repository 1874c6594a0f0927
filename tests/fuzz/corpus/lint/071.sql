-- migrate:up
set lock_timeout to 2000;
TRUNCATE users;
