INSERT INTO t VALUES ('a;b', 'it''s;', E'x\';y');
SELECT "semi;colon", "a""b;", `b;t`, [c;d] FROM t;
SELECT $$ ; $$, $fn$ a; $x$ ; $fn$;
