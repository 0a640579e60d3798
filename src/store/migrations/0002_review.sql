-- Único registry, schema 2: people, decisions, merges and the audit log.

-- People who take decisions. Batch commands act as the operating-system account instead.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    -- One of access::Profile's codes.
    profile TEXT NOT NULL,
    -- Institution codes, comma-separated ('' for the national profile).
    institutions TEXT NOT NULL,
    -- Argon2id PHC string; NULL until a password is set (needed only for the web UI).
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- One approved merge: a principal and one or more duplicates, with before-images for unmerge.
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    principal_id INTEGER NOT NULL REFERENCES records(id),
    merged_at TEXT NOT NULL,
    merged_by TEXT NOT NULL,
    reason TEXT,
    ticket TEXT,
    forced INTEGER NOT NULL DEFAULT 0,
    -- The principal's stored image (JSON) before and right after the merge.
    principal_before TEXT NOT NULL,
    principal_after TEXT NOT NULL,
    unmerged_at TEXT,
    unmerged_by TEXT,
    unmerge_reason TEXT
);
CREATE INDEX merges_by_principal ON merges(principal_id);

CREATE TABLE merge_duplicates (
    merge_id INTEGER NOT NULL REFERENCES merges(id),
    record_id INTEGER NOT NULL REFERENCES records(id),
    position INTEGER NOT NULL,
    -- The duplicate's stored image (JSON) before the merge.
    before TEXT NOT NULL,
    PRIMARY KEY (merge_id, record_id)
) WITHOUT ROWID;
CREATE INDEX merge_duplicates_by_record ON merge_duplicates(record_id);

-- Each empty (or invalid) principal field that a merge filled from a duplicate.
CREATE TABLE merge_fills (
    merge_id INTEGER NOT NULL REFERENCES merges(id),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT NOT NULL,
    from_record_id INTEGER NOT NULL REFERENCES records(id),
    PRIMARY KEY (merge_id, field)
);

-- "Not the same person": never proposed again by later scans.
CREATE TABLE rejected_pairs (
    record_id_l INTEGER NOT NULL REFERENCES records(id),
    record_id_r INTEGER NOT NULL REFERENCES records(id),
    rejected_at TEXT NOT NULL,
    rejected_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    ticket TEXT,
    PRIMARY KEY (record_id_l, record_id_r),
    CHECK (record_id_l < record_id_r)
) WITHOUT ROWID;

-- Pairs a reviewer put aside for themselves; the cluster returns to their queue when the date
-- passes or when it gains a pair that is not deferred. Other reviewers still see it.
CREATE TABLE deferred_pairs (
    record_id_l INTEGER NOT NULL REFERENCES records(id),
    record_id_r INTEGER NOT NULL REFERENCES records(id),
    deferred_by TEXT NOT NULL,
    deferred_at TEXT NOT NULL,
    until TEXT,
    reason TEXT,
    PRIMARY KEY (record_id_l, record_id_r, deferred_by),
    CHECK (record_id_l < record_id_r)
) WITHOUT ROWID;

-- When each pair first reached the review queue (for "waiting for N days").
CREATE TABLE pair_first_seen (
    record_id_l INTEGER NOT NULL,
    record_id_r INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (record_id_l, record_id_r)
) WITHOUT ROWID;

-- Who did what to which records, when and why. Append-only; each entry's hash covers the
-- previous entry's hash, so an edited or removed entry breaks the chain (`unico audit verify`).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person', 'system')),
    action TEXT NOT NULL,
    -- NNUs, comma-separated and comma-delimited (',123456789,987654321,'), for lookups.
    records TEXT NOT NULL,
    reason TEXT,
    ticket TEXT,
    details TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
