-- Standard (recurring) sales lines (DOMAIN.md 12.3): sets of lines without prices, assigned to
-- customers, inserted into quotations and orders and priced at insertion.
CREATE TABLE standard_sales_codes (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE standard_sales_code_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  standard_code_id BIGINT NOT NULL REFERENCES standard_sales_codes(id),
  position INTEGER NOT NULL,
  item_id BIGINT NOT NULL REFERENCES items(id),
  description VARCHAR(200) NULL,
  quantity BIGINT NOT NULL,
  unit_id BIGINT NULL REFERENCES units_of_measure(id)
);
CREATE TABLE customer_standard_codes (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  standard_code_id BIGINT NOT NULL REFERENCES standard_sales_codes(id),
  valid_from DATE NULL,
  valid_to DATE NULL,
  insert_on_order VARCHAR(16) NOT NULL,
  created_at {ts} NOT NULL,
  UNIQUE (customer_id, standard_code_id)
);
CREATE INDEX customer_standard_codes_customer ON customer_standard_codes (customer_id)
