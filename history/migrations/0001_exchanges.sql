-- Schema 1: one row per call to the gateway. The columns the history list
-- shows and filters on live in exchanges; the whole trace, as the JSON that
-- --json prints, lives in traces, so that listing never reads or parses it.

CREATE TABLE exchanges (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused after a delete
    time               INTEGER NOT NULL,                  -- Unix nanoseconds
    profile            TEXT    NOT NULL DEFAULT '',
    environment        TEXT    NOT NULL DEFAULT '',
    protocol           TEXT    NOT NULL DEFAULT '',
    app_id             TEXT    NOT NULL DEFAULT '',
    method             TEXT    NOT NULL DEFAULT '',
    grant_type         TEXT    NOT NULL DEFAULT '',
    outcome            TEXT    NOT NULL DEFAULT '',
    verify_status      TEXT    NOT NULL DEFAULT '',
    http_status        INTEGER NOT NULL DEFAULT 0,
    code               TEXT    NOT NULL DEFAULT '',
    sub_code           TEXT    NOT NULL DEFAULT '',
    message            TEXT    NOT NULL DEFAULT '',       -- sub_msg, msg or the transport error
    user_id            TEXT    NOT NULL DEFAULT '',
    open_id            TEXT    NOT NULL DEFAULT '',
    trace_id           TEXT    NOT NULL DEFAULT '',
    duration_ms        REAL    NOT NULL DEFAULT 0,
    access_expires_at  INTEGER NOT NULL DEFAULT 0,        -- Unix nanoseconds, 0 when none
    refresh_expires_at INTEGER NOT NULL DEFAULT 0,
    secrets_stored     INTEGER NOT NULL DEFAULT 0         -- 1 when tokens are kept, 0 for fingerprints
);

CREATE INDEX exchanges_time ON exchanges (time);

CREATE TABLE traces (
    exchange_id INTEGER PRIMARY KEY REFERENCES exchanges (id) ON DELETE CASCADE,
    json        TEXT    NOT NULL
);
