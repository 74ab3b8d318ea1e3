-- The company's tax computation mode (DOMAIN.md 12.5): per document and tax code on the sum of
-- the net amounts, rounded once and allocated to the lines (the default), or per line.
ALTER TABLE companies ADD COLUMN tax_mode VARCHAR(16) NOT NULL DEFAULT 'document';
