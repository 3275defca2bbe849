-- Schema 5: each exchange keeps the line the console's index reads (all of
-- its summary but the id, as index.go's indexLineSQL makes it), written once
-- when it is recorded, so loading the index of a long history reads one
-- stored text per exchange instead of formatting twenty fields each time.
-- An index holds the lines apart from the rest of each row, so reading them
-- reads a few megabytes, not the whole table.

ALTER TABLE exchanges ADD COLUMN index_line TEXT NOT NULL DEFAULT '';

UPDATE exchanges SET index_line =
    printf('%d:%d:%d:%d:%!.17g:', time, access_expires_at, refresh_expires_at, secrets_stored, duration_ms) || octet_length(user_id) || ':' || user_id || octet_length(open_id) || ':' || open_id || octet_length(trace_id) || ':' || trace_id || http_status || ':' || octet_length(profile) || ':' || profile || octet_length(environment) || ':' || environment || octet_length(protocol) || ':' || protocol || octet_length(app_id) || ':' || app_id || octet_length(method) || ':' || method || octet_length(grant_type) || ':' || grant_type || octet_length(outcome) || ':' || outcome || octet_length(verify_status) || ':' || verify_status || octet_length(code) || ':' || code || octet_length(sub_code) || ':' || sub_code || message;

CREATE INDEX exchanges_index_line ON exchanges (id, index_line);
