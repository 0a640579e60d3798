-- Único registry, schema 5: every scan run is recorded (full or delta, what it compared and what
-- it changed in the queue), and a rejected pair remembers what its comparison looked like, so
-- that a scan raises it again only when a compared field changed.

ALTER TABLE scans ADD COLUMN kind TEXT NOT NULL DEFAULT 'full' CHECK (kind IN ('full', 'delta'));
-- Why a scan that could have been a delta was a full one ('' for a delta).
ALTER TABLE scans ADD COLUMN full_reason TEXT NOT NULL DEFAULT '';
-- The highest records.change_seq the scan covered: the next delta compares what changed after.
ALTER TABLE scans ADD COLUMN records_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN n_records_compared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN n_pairs_scored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN n_clusters_new INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN n_clusters_rescored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN n_clusters_resolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN n_pairs_raised_again INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN error TEXT;

-- γ of each comparison when the pair was rejected (NULL for rejections made before schema 5 or
-- of pairs never scored: those are never raised again).
ALTER TABLE rejected_pairs ADD COLUMN gamma TEXT;

-- A saved pair that was rejected earlier and is proposed again because a compared field of one
-- of its records changed since: when it was rejected (NULL for the others).
ALTER TABLE pairs ADD COLUMN rejected_at TEXT;

-- Found without reading every pair: merges and the queue ask for them.
CREATE INDEX pairs_raised_again ON pairs(record_id_l, record_id_r) WHERE rejected_at IS NOT NULL;
