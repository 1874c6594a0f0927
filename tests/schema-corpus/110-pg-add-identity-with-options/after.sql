-- an existing column becomes an identity with options
CREATE TABLE tickets (id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 MAXVALUE 1000000) PRIMARY KEY, title text);
