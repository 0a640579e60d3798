-- Único registry, schema 3: service-desk tickets (categories F and G of the template).

-- One request, under its incident number, through its lifecycle.
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    -- The incident number: the service desk's (taken from the subject) or one Único gave.
    incident TEXT NOT NULL UNIQUE,
    -- The template's category letter ('A'..'K'), NULL when none could be told.
    category TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'pending', 'resolved', 'closed')),
    -- The latest decision's outcome (merge, not-duplicate, mismatch, refused, pending, …).
    outcome TEXT NOT NULL,
    subject TEXT NOT NULL,
    requester TEXT,
    -- The fields read so far (JSON): a later answer completes them.
    request TEXT NOT NULL,
    -- The latest decision (JSON), reply included.
    decision TEXT NOT NULL,
    -- Dates (yyyy-mm-dd) of the first and of the latest message: the 30-day and 10-day
    -- clocks of the template run from the latest.
    opened_at TEXT NOT NULL,
    last_message_at TEXT NOT NULL,
    resolved_by TEXT NOT NULL,
    -- The records the ticket names, when they exist.
    principal_id INTEGER REFERENCES records(id),
    duplicate_id INTEGER REFERENCES records(id),
    match_probability REAL,
    -- 1 when the merge waits in the review queue for a supervisor.
    proposed INTEGER NOT NULL DEFAULT 0,
    merge_id INTEGER REFERENCES merges(id)
);
CREATE INDEX tickets_by_state ON tickets(state);

-- Every message resolved, by the SHA-256 of its bytes: the same message twice is answered
-- from here and never acted on again.
CREATE TABLE ticket_messages (
    digest TEXT PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    received_at TEXT NOT NULL,
    resolved_at TEXT NOT NULL
) WITHOUT ROWID;
