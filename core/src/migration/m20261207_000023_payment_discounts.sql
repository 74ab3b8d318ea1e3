-- Cash discount and payment tolerance (DOMAIN.md §12.1): a payment within an invoice's cash
-- discount date settles it with the discount posted to the cash discount account; a residual
-- within the company's payment tolerance is written off to the write-off account and the
-- invoice closes. An application records both beside the amount it took off the entry.
-- Tolerance amount in the base currency × 10⁴, percent × 10⁶.
ALTER TABLE companies ADD COLUMN cash_discount_account VARCHAR(20) NOT NULL DEFAULT '4910';
ALTER TABLE companies ADD COLUMN write_off_account VARCHAR(20) NOT NULL DEFAULT '4920';
ALTER TABLE companies ADD COLUMN payment_tolerance_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN payment_tolerance_percent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customer_ledger_applications ADD COLUMN cash_discount_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customer_ledger_applications ADD COLUMN write_off_amount BIGINT NOT NULL DEFAULT 0;
