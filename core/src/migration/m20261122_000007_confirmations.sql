-- Order confirmation (DOMAIN.md 3.5): a versioned confirmation journal, re-confirmation after
-- changes, the document status, and the credit check result.
ALTER TABLE sales_orders ADD COLUMN document_status VARCHAR(16) NOT NULL DEFAULT 'none';
ALTER TABLE sales_orders ADD COLUMN confirmed_version INTEGER NULL;
ALTER TABLE sales_orders ADD COLUMN needs_reconfirmation BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE order_confirmations (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
  version INTEGER NOT NULL,
  confirmed_by VARCHAR(200) NOT NULL,
  confirmed_at {ts} NOT NULL,
  net_amount BIGINT NOT NULL,
  tax_amount BIGINT NOT NULL,
  total_amount BIGINT NOT NULL,
  credit_check VARCHAR(200) NOT NULL,
  lines TEXT NOT NULL,
  UNIQUE (order_id, version)
)
