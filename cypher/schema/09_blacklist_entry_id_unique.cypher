CREATE CONSTRAINT blacklist_entry_id IF NOT EXISTS FOR (n:BlacklistEntry) REQUIRE n.id IS UNIQUE
