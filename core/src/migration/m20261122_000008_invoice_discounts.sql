-- BC invoice discounts (DOMAIN.md 8.2): a customer's invoice discount code selects, per
-- currency, the percentage of the largest minimum amount the document reaches. The discount is
-- allocated to the lines, and tax is computed after it.
CREATE TABLE invoice_discount_terms (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  minimum_amount BIGINT NOT NULL,
  discount_percent BIGINT NOT NULL,
  created_at {ts} NOT NULL,
  UNIQUE (company_id, code, currency_id, minimum_amount)
);
ALTER TABLE customers ADD COLUMN invoice_discount_code VARCHAR(20) NULL;
ALTER TABLE sales_orders ADD COLUMN invoice_discount_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sales_order_lines ADD COLUMN invoice_discount_amount BIGINT NOT NULL DEFAULT 0
