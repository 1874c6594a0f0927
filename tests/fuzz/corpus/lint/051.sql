-- migrate:up
ALTER TABLE orders ADD CONSTRAINT note_chk CHECK (note <> 'NOT VALID');
