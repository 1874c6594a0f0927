SELECT a::text, :name, ?1, @p, $1, $v FROM t WHERE j->>'k' = 'v' AND x<>y;
