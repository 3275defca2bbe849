-- Schema 3: what links exchanges to each other, for token lineage and for
-- telling why an auth code failed.
--
-- code is the auth code an exchange sent, as the trace keeps it (a code is
-- single-use, so it is no secret once sent). The refresh token columns hold
-- the fingerprints of the refresh tokens sent and received
-- (gateway.Fingerprint), whether history keeps the tokens or only their
-- fingerprints, so that an exchange links to the one whose refresh token it
-- spent in both cases. The rows schema 2 holds are linked from their traces
-- with aliauth_fingerprint, which history registers with SQLite.
--
-- Only these three are indexed: each index costs every recorded exchange a
-- write to a page its random key picks, and access tokens (which user info
-- calls use) are not what a lineage follows.

CREATE TABLE lineage (
    exchange_id      INTEGER PRIMARY KEY REFERENCES exchanges (id) ON DELETE CASCADE,
    code             TEXT NOT NULL DEFAULT '',
    refresh_sent     TEXT NOT NULL DEFAULT '',
    refresh_received TEXT NOT NULL DEFAULT ''
);

INSERT INTO lineage (exchange_id, code, refresh_sent, refresh_received)
SELECT exchange_id,
    coalesce(json_extract(json, '$.request.params.code'), ''),
    aliauth_fingerprint(json_extract(json, '$.request.params.refresh_token')),
    aliauth_fingerprint(json_extract(json, '$.tokens.refresh_token'))
FROM traces;

CREATE INDEX lineage_code ON lineage (code) WHERE code != '';
CREATE INDEX lineage_refresh_sent ON lineage (refresh_sent) WHERE refresh_sent != '';
CREATE INDEX lineage_refresh_received ON lineage (refresh_received) WHERE refresh_received != '';
