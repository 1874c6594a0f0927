-- int → bigint on an identity column: the sequence's type and default bounds follow the column
CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
