

-- revision: r_14
-- down_revision: NONE
-- migrate:up
