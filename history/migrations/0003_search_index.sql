-- Schema 3: an index of the search text, so that the text filter of a long
-- history reads only the exchanges that may match instead of every row.
--
-- A trigram index finds any substring of three characters or more, which is
-- what the filter matches (instr over the lower-cased text): the query asks
-- it for the exchanges whose text holds every trigram of a term, and the
-- exact test runs on those alone. It stores which rows hold each trigram
-- and not where (detail=none), a third of the size of a full index, and
-- reads the text from exchanges (an external-content table) rather than
-- keeping a second copy. Triggers keep it in step with exchanges; a deleted
-- exchange's entries are removed from the index at once (secure-delete),
-- as secure_delete does for the rows themselves.

CREATE VIRTUAL TABLE exchanges_search USING fts5(
    search,
    content = 'exchanges',
    content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1',
    detail = none
);

INSERT INTO exchanges_search (exchanges_search, rank) VALUES ('secure-delete', 1);
INSERT INTO exchanges_search (exchanges_search) VALUES ('rebuild');

CREATE TRIGGER exchanges_search_insert AFTER INSERT ON exchanges BEGIN
    INSERT INTO exchanges_search (rowid, search) VALUES (new.id, new.search);
END;

CREATE TRIGGER exchanges_search_delete AFTER DELETE ON exchanges BEGIN
    INSERT INTO exchanges_search (exchanges_search, rowid, search) VALUES ('delete', old.id, old.search);
END;

CREATE TRIGGER exchanges_search_update AFTER UPDATE OF search ON exchanges BEGIN
    INSERT INTO exchanges_search (exchanges_search, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO exchanges_search (rowid, search) VALUES (new.id, new.search);
END;
