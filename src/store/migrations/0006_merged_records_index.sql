-- Único registry, schema 6.
-- The merged records, for the rejections that follow merges (`effective_rejections`): a scan
-- reads them on every run, and without an index that is a pass over every record (0.2 s at a
-- million). Partial: only merged records are in it.
CREATE INDEX records_merged ON records(id, merged_into) WHERE status = 'merged';
