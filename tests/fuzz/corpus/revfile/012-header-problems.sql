-- A comment before the headers.
-- revision: head
-- down_revision: base
-- author: someone
-- created: yesterday
-- message: one
-- http://example.com/docs
/* a block
   comment: not a header */
-- message: two
CREATE TABLE t (a INTEGER);
-- migrate:up
SELECT 1;
-- migrate:down
