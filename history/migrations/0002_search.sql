-- Schema 2: what the history filters need to stay fast over a long history.
--
-- user is the id an exchange belongs to (the open id, else the user id), with
-- an index that keeps each user's exchanges in time order, so the filter by
-- user reads only that user's rows.
--
-- search holds every field the text filter looks at, lower-cased and joined
-- by U+001F so that a term never matches across two fields. Go computes it
-- for new rows (searchText in record.go); the UPDATE below computes the same
-- text for the rows schema 1 holds (lower() folds ASCII letters only, which
-- is what the ids and codes it holds are made of). The console filters an
-- in-memory copy of it (Index); the command line scans it.
--
-- Profile, method and outcome have a few values each, most of them common:
-- the newest page of any of them comes off the time index, and an index of
-- their own would cost every recorded exchange a page write.

ALTER TABLE exchanges ADD COLUMN user TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN search TEXT NOT NULL DEFAULT '';

UPDATE exchanges SET
    user = CASE WHEN open_id != '' THEN open_id ELSE user_id END,
    search = lower(
        profile || char(31) || environment || char(31) || protocol || char(31) ||
        app_id || char(31) || method || char(31) || grant_type || char(31) ||
        outcome || char(31) || verify_status || char(31) ||
        CASE WHEN http_status = 0 THEN '' ELSE http_status END || char(31) ||
        code || char(31) || sub_code || char(31) || message || char(31) ||
        user_id || char(31) || open_id || char(31) || trace_id);

CREATE INDEX exchanges_user ON exchanges (user, time);
