-- Unapplying (DOMAIN.md §12.1): an application is reversed by a new application row with the
-- negated amounts that names it (`reverses_id`), in the transaction that gives both entries
-- back what it took; the rows of an application are never changed.
ALTER TABLE customer_ledger_applications ADD COLUMN reverses_id BIGINT REFERENCES customer_ledger_applications(id);
CREATE UNIQUE INDEX customer_ledger_applications_reverses ON customer_ledger_applications (reverses_id);
