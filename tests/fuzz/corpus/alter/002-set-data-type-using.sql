ALTER TABLE posts ALTER views SET DATA TYPE bigint USING (views::text || ',')::bigint
