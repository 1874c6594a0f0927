-- migrate:up transaction:false
VACUUM FULL users;
VACUUM (FULL, ANALYZE) users;
CLUSTER users USING users_pkey;
VACUUM users;
VACUUM (FULL false) users;
VACUUM ANALYZE users;
