-- revision: abc 
-- down_revision:	
-- message:  spaced out  

-- migrate:up 	
SELECT 1;
-- migrate:down transaction:false  
SELECT 2;
SELECT 3;
