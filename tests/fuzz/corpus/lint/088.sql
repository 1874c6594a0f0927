-- migrate:up transaction:false
VACUUM;
