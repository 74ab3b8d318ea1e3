-- Customer payments and their application to open entries (DOMAIN.md §12.1; invariants 11 and
-- 12 of §13). A payment opens a customer ledger entry (negative: money received) and a
-- voucher (cash against receivable), and applies to open entries of the customer: each
-- application lowers both remainings by its amount, in the payment's transaction. What is not
-- applied stays open on the payment's entry (a credit of the customer). Amounts × 10⁴.
ALTER TABLE companies ADD COLUMN cash_account VARCHAR(20) NOT NULL DEFAULT '1000';
CREATE TABLE customer_payments (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  payment_date DATE NOT NULL,
  amount BIGINT NOT NULL,
  reference VARCHAR(100),
  ledger_entry_id BIGINT NOT NULL REFERENCES customer_ledger_entries(id),
  voucher_id BIGINT NOT NULL REFERENCES gl_vouchers(id),
  idempotency_key VARCHAR(100),
  request_digest VARCHAR(64),
  created_at {ts} NOT NULL,
  UNIQUE (company_id, number),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX customer_payments_customer ON customer_payments (customer_id);
CREATE TABLE customer_ledger_applications (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  -- the entry that settles (a payment's) and the entry it settles (an invoice's)
  entry_id BIGINT NOT NULL REFERENCES customer_ledger_entries(id),
  applied_to_id BIGINT NOT NULL REFERENCES customer_ledger_entries(id),
  amount BIGINT NOT NULL,
  applied_on DATE NOT NULL,
  created_at {ts} NOT NULL
);
CREATE INDEX customer_ledger_applications_entry ON customer_ledger_applications (entry_id);
CREATE INDEX customer_ledger_applications_applied_to ON customer_ledger_applications (applied_to_id);
