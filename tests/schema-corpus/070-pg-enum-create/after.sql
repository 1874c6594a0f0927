CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE f (m mood);
