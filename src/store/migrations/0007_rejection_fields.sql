-- Schema 7: a rejected pair is raised again when a compared field of one of its records
-- changes, judged on the fields themselves. Schema 5 kept the pair's γ instead, which changes
-- with the comparisons (a new version of unico) and with how common the values are; `gamma`
-- is no longer written or read.

-- The fields a comparison reads, one text per record (unit separators between them).
CREATE VIEW compared_fields AS
SELECT id,
       full_name || char(31) || coalesce(sex, '') || char(31) || coalesce(birth_date, '')
       || char(31) || coalesce(nationality, '') || char(31) || coalesce(birth_country, '')
       || char(31) || coalesce(birth_district, '') || char(31) || coalesce(birth_municipality, '')
       || char(31) || coalesce(birth_parish, '') || char(31) || coalesce(nif, '')
       || char(31) || invalid_fields AS fields
FROM records;

-- Both records' compared fields when the pair was rejected (record separator between them);
-- NULL for a pair rejected before it was ever scored, which is never proposed again.
ALTER TABLE rejected_pairs ADD COLUMN fields TEXT;

-- Rejections saved with a γ take the records' fields as they are now: a change made since the
-- rejection and not yet seen by a scan is not raised again.
UPDATE rejected_pairs
SET fields = (SELECT l.fields || char(30) || r.fields
              FROM compared_fields l, compared_fields r
              WHERE l.id = rejected_pairs.record_id_l AND r.id = rejected_pairs.record_id_r)
WHERE gamma IS NOT NULL;
