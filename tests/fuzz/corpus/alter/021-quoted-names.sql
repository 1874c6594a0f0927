ALTER TABLE "My Schema"."Odd ""Table""" ALTER COLUMN "a,b" SET DEFAULT (1, 2)
