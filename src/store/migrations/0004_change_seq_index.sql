-- Único registry, schema 4: what changed since a sequence number is found without reading
-- every record (the index's catch-up, the web server's cache check, the delta scan).
CREATE INDEX records_by_change_seq ON records(change_seq);
