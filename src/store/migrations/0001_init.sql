-- Único registry, schema 1.
-- Records are never deleted: a merge sets status = 'merged' and merged_into.

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    operator TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    n_rows INTEGER NOT NULL,
    n_inserted INTEGER NOT NULL,
    n_updated INTEGER NOT NULL,
    n_rejected INTEGER NOT NULL,
    n_flagged_values INTEGER NOT NULL
);

CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    sns_number TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    sex TEXT,
    birth_date TEXT,
    nationality TEXT,
    birth_country TEXT,
    birth_district TEXT,
    birth_municipality TEXT,
    birth_parish TEXT,
    registration_unit TEXT,
    nif TEXT,
    registration_type TEXT,
    death_date TEXT,
    -- Canonical names of the fields whose value is kept as typed but is invalid, comma-separated.
    invalid_fields TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
    merged_into INTEGER REFERENCES records(id),
    -- Monotonic change counter: the candidate index holds every change up to meta 'index_seq'.
    change_seq INTEGER NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Field changes made by `import --update`.
CREATE TABLE record_changes (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    import_id INTEGER NOT NULL REFERENCES imports(id),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX record_changes_by_record ON record_changes(record_id);

CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    n_records INTEGER NOT NULL DEFAULT 0,
    n_candidate_pairs INTEGER NOT NULL DEFAULT 0,
    n_pairs_saved INTEGER NOT NULL DEFAULT 0,
    n_clusters INTEGER NOT NULL DEFAULT 0,
    threshold_match_probability REAL NOT NULL,
    model TEXT NOT NULL
);

-- The scored pairs of the latest successful scan (replaced as a whole, in one transaction).
CREATE TABLE pairs (
    record_id_l INTEGER NOT NULL REFERENCES records(id),
    record_id_r INTEGER NOT NULL REFERENCES records(id),
    scan_id INTEGER NOT NULL REFERENCES scans(id),
    match_weight REAL NOT NULL,
    match_probability REAL NOT NULL,
    -- The explanation: γ of each comparison and its partial match weight, comma-separated,
    -- in the order of the model's comparisons (the scan's model is in scans.model).
    gamma TEXT NOT NULL,
    partial_weights TEXT NOT NULL,
    blocking_rules TEXT NOT NULL,
    cluster_id INTEGER REFERENCES clusters(id),
    PRIMARY KEY (record_id_l, record_id_r),
    CHECK (record_id_l < record_id_r)
) WITHOUT ROWID;

CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    scan_id INTEGER NOT NULL REFERENCES scans(id),
    n_records INTEGER NOT NULL,
    max_match_probability REAL NOT NULL
);

CREATE TABLE cluster_members (
    cluster_id INTEGER NOT NULL REFERENCES clusters(id),
    record_id INTEGER NOT NULL REFERENCES records(id),
    PRIMARY KEY (cluster_id, record_id)
) WITHOUT ROWID;

-- How common each value was at the latest scan, for term-frequency adjustments.
CREATE TABLE term_frequencies (
    kind TEXT NOT NULL,
    term TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, term)
) WITHOUT ROWID;

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
