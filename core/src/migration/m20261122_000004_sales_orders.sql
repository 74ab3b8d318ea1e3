-- Sales orders (DOMAIN.md 3.1-3.4) with lines and their stored quantity counters, and the tax
-- setup matrix (customer tax group x item tax group -> tax code, DOMAIN.md 12.5).
CREATE TABLE tax_setups (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  customer_tax_group VARCHAR(20) NOT NULL,
  item_tax_group VARCHAR(20) NOT NULL,
  tax_code_id BIGINT NOT NULL REFERENCES tax_codes(id),
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, customer_tax_group, item_tax_group)
);
CREATE TABLE sales_orders (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  order_type VARCHAR(40) NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  invoice_customer_id BIGINT NOT NULL REFERENCES customers(id),
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  order_date DATE NOT NULL,
  requested_ship_date DATE NULL,
  customer_reference VARCHAR(60) NULL,
  attributes TEXT NULL,
  status VARCHAR(16) NOT NULL,
  release_status VARCHAR(20) NOT NULL,
  net_amount BIGINT NOT NULL,
  tax_amount BIGINT NOT NULL,
  total_amount BIGINT NOT NULL,
  rma_number VARCHAR(20) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, number)
);
CREATE INDEX sales_orders_customer ON sales_orders (customer_id);
CREATE INDEX sales_orders_invoice_customer ON sales_orders (invoice_customer_id);
CREATE TABLE sales_order_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
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
  delivered BIGINT NOT NULL,
  invoiced BIGINT NOT NULL,
  canceled BIGINT NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (order_id, line_number)
);
