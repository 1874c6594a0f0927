alter table t alter column name type text collate nocase using lower(name)
