-- revision: abc
-- down_revision:
-- migrate:up
PRAGMA foreign_keys = OFF;
PRAGMA foreign_key_list(t);
-- migrate:up dialect:sqlite
pragma main.foreign_keys;
-- migrate:up dialect:postgresql
PRAGMA foreign_keys = ON;
-- migrate:down transaction:false
PRAGMA foreign_keys = ON;
