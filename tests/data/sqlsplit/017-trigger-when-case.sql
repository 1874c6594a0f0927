CREATE TRIGGER t1 AFTER UPDATE ON t WHEN CASE WHEN NEW.a THEN 1 ELSE 0 END BEGIN
  UPDATE t SET x = 1; UPDATE t SET y = 2;
END;
SELECT 1;
create temp trigger "t2" before insert on t begin select case new.a when 1 then raise(abort, 'one;') end; end ; select 2
