-- revision: abc
-- down_revision:
-- migrate:up transaction:false dialect:postgresql
CREATE INDEX CONCURRENTLY i ON t (a);
-- migrate:up dialect:sqlite   transaction:true
CREATE INDEX i ON t (a);
-- migrate:down concurrently
DROP INDEX i;
-- migrate:down transaction:false transaction:false
-- migrate:down transaction:false transaction:true
-- migrate:down dialect:sqlite dialect:postgresql
-- migrate:down Transaction:false
