--revision:abc
--   down_revision :   p_1
-- message	:	tabbed	
-- Ticket-Id: X-1
   -- an indented comment: not a header, not sql
	/* block */  
-- created: 2026-11-22
-- migrate:up
-- migrate:down
