-- leading comment

/* block */ SELECT 1; -- trailing
;
  ;
-- only a comment;
SELECT /* inner; */ 2
-- after
;
