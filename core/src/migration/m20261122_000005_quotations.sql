-- Sales quotations (DOMAIN.md 2): to a customer or a prospect, status machine, confirmation
-- into exactly one sales order.
CREATE TABLE sales_quotations (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  customer_id BIGINT NULL REFERENCES customers(id),
  prospect_id BIGINT NULL REFERENCES prospects(id),
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  tax_group VARCHAR(20) NULL,
  quotation_date DATE NOT NULL,
  valid_until DATE NULL,
  requested_ship_date DATE NULL,
  opportunity_id BIGINT NULL REFERENCES opportunities(id),
  campaign_id BIGINT NULL REFERENCES campaigns(id),
  status VARCHAR(16) NOT NULL,
  status_reason VARCHAR(200) NULL,
  sent_count INTEGER NOT NULL,
  sent_at {ts} NULL,
  confirmed_at {ts} NULL,
  sales_order_id BIGINT NULL REFERENCES sales_orders(id),
  net_amount BIGINT NOT NULL,
  tax_amount BIGINT NOT NULL,
  total_amount BIGINT NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, number)
);
CREATE INDEX sales_quotations_customer ON sales_quotations (customer_id);
CREATE TABLE sales_quotation_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  quotation_id BIGINT NOT NULL REFERENCES sales_quotations(id),
  line_number INTEGER NOT NULL,
  item_id BIGINT NOT NULL REFERENCES items(id),
  description VARCHAR(200) NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units_of_measure(id),
  quantity BIGINT NOT NULL,
  unit_price BIGINT NOT NULL,
  price_source VARCHAR(40) NOT NULL,
  discount_percent BIGINT NOT NULL,
  discount_amount BIGINT NOT NULL,
  discount_source VARCHAR(200) NULL,
  line_amount BIGINT NOT NULL,
  tax_code_id BIGINT NULL REFERENCES tax_codes(id),
  tax_amount BIGINT NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (quotation_id, line_number)
);
ALTER TABLE sales_orders ADD COLUMN quotation_id BIGINT NULL REFERENCES sales_quotations(id)
