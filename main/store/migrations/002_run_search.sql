-- 002: free-text search over run name, model, dataset, notes and tags (run browser search box).
-- Shipped: never edit this file; add a new numbered migration instead.
-- FTS5 with the trigram tokenizer matches any substring of 3+ characters, case-insensitively
-- ("bert" finds "roberta-large"), which is what people type into a search box; shorter terms fall
-- back to LIKE in the query code. Kept in sync by triggers; existing runs are indexed below.

CREATE VIRTUAL TABLE run_search USING fts5 (name, model, dataset, notes, tags, tokenize = 'trigram');

INSERT INTO run_search (rowid, name, model, dataset, notes, tags)
SELECT r.id, r.name, r.model, r.dataset, r.notes,
       coalesce((SELECT group_concat(t.name, ' ') FROM run_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.run_id = r.id), '')
FROM runs r;

CREATE TRIGGER run_search_insert AFTER INSERT ON runs BEGIN
  INSERT INTO run_search (rowid, name, model, dataset, notes, tags) VALUES (new.id, new.name, new.model, new.dataset, new.notes, '');
END;

CREATE TRIGGER run_search_update AFTER UPDATE OF name, model, dataset, notes ON runs BEGIN
  UPDATE run_search SET name = new.name, model = new.model, dataset = new.dataset, notes = new.notes WHERE rowid = new.id;
END;

CREATE TRIGGER run_search_delete AFTER DELETE ON runs BEGIN
  DELETE FROM run_search WHERE rowid = old.id;
END;

CREATE TRIGGER run_search_tag_insert AFTER INSERT ON run_tags BEGIN
  UPDATE run_search
  SET tags = coalesce((SELECT group_concat(t.name, ' ') FROM run_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.run_id = new.run_id), '')
  WHERE rowid = new.run_id;
END;

CREATE TRIGGER run_search_tag_delete AFTER DELETE ON run_tags BEGIN
  UPDATE run_search
  SET tags = coalesce((SELECT group_concat(t.name, ' ') FROM run_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.run_id = old.run_id), '')
  WHERE rowid = old.run_id;
END;
