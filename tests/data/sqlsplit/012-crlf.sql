SELECT 1;
SELECT
  2;

-- c
SELECT 3;
