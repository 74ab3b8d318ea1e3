-- Foundation: companies, setup tables, parties, customers, vendors, items, inventory,
-- number sequences, API tokens.
-- {pk} and {ts} are replaced per engine (see migration/mod.rs). Amounts, prices, quantities
-- and rates are BIGINT at a fixed scale (core::money): amounts 4 places, the rest 6.
CREATE TABLE companies (
  id {pk},
  code VARCHAR(20) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  base_currency_code CHAR(3) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL
);
CREATE TABLE currencies (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code CHAR(3) NOT NULL,
  name VARCHAR(200) NOT NULL,
  amount_precision BIGINT NOT NULL,
  unit_price_precision BIGINT NOT NULL,
  invoice_rounding_precision BIGINT NOT NULL,
  invoice_rounding_mode VARCHAR(16) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE tax_codes (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  rate BIGINT NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE payment_terms (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  net_days INTEGER NOT NULL,
  cash_discount_percent BIGINT NOT NULL,
  cash_discount_days INTEGER NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE units_of_measure (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  decimals INTEGER NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE warehouses (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE number_sequences (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  kind VARCHAR(32) NOT NULL,
  prefix VARCHAR(20) NOT NULL,
  width INTEGER NOT NULL,
  next_value BIGINT NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, kind)
);
CREATE TABLE parties (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  kind VARCHAR(16) NOT NULL,
  name VARCHAR(200) NOT NULL,
  email VARCHAR(200) NULL,
  phone VARCHAR(50) NULL,
  language VARCHAR(20) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL
);
CREATE INDEX parties_company_name ON parties (company_id, name);
CREATE TABLE addresses (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  code VARCHAR(20) NOT NULL,
  for_invoice BOOLEAN NOT NULL,
  for_delivery BOOLEAN NOT NULL,
  for_business BOOLEAN NOT NULL,
  street VARCHAR(200) NOT NULL,
  street2 VARCHAR(200) NULL,
  city VARCHAR(200) NOT NULL,
  postal_code VARCHAR(20) NULL,
  region VARCHAR(200) NULL,
  country_code CHAR(2) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (party_id, code)
);
CREATE TABLE contact_persons (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  employer_party_id BIGINT NOT NULL REFERENCES parties(id),
  title VARCHAR(200) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL
);
CREATE INDEX contact_persons_employer ON contact_persons (employer_party_id);
CREATE TABLE customers (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  account_number VARCHAR(20) NOT NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  customer_group VARCHAR(20) NULL,
  price_group VARCHAR(20) NULL,
  payment_terms_id BIGINT NULL REFERENCES payment_terms(id),
  tax_group VARCHAR(20) NULL,
  credit_limit BIGINT NOT NULL,
  mandatory_credit_limit BOOLEAN NOT NULL,
  blocked VARCHAR(16) NOT NULL,
  combine_shipments BOOLEAN NOT NULL,
  prices_including_tax BOOLEAN NOT NULL,
  invoice_account_id BIGINT NULL REFERENCES customers(id),
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, account_number)
);
CREATE INDEX customers_party ON customers (party_id);
CREATE TABLE vendors (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  account_number VARCHAR(20) NOT NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  payment_terms_id BIGINT NULL REFERENCES payment_terms(id),
  tax_group VARCHAR(20) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, account_number)
);
CREATE TABLE items (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  base_unit_id BIGINT NOT NULL REFERENCES units_of_measure(id),
  base_sales_price BIGINT NOT NULL,
  unit_cost BIGINT NOT NULL,
  item_group VARCHAR(20) NULL,
  tax_group VARCHAR(20) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, number)
);
CREATE TABLE item_ledger_entries (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  item_id BIGINT NOT NULL REFERENCES items(id),
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  entry_type VARCHAR(32) NOT NULL,
  quantity BIGINT NOT NULL,
  posting_date DATE NOT NULL,
  reason VARCHAR(200) NULL,
  created_at {ts} NOT NULL
);
CREATE INDEX item_ledger_item_wh ON item_ledger_entries (item_id, warehouse_id);
CREATE TABLE api_tokens (
  id {pk},
  name VARCHAR(200) NOT NULL,
  token_hash CHAR(64) NOT NULL UNIQUE,
  token_prefix VARCHAR(16) NOT NULL,
  roles VARCHAR(200) NOT NULL,
  all_companies BOOLEAN NOT NULL,
  max_query_cost INTEGER NULL,
  created_at {ts} NOT NULL,
  revoked_at {ts} NULL
);
CREATE TABLE api_token_companies (
  token_id BIGINT NOT NULL REFERENCES api_tokens(id),
  company_id BIGINT NOT NULL REFERENCES companies(id),
  PRIMARY KEY (token_id, company_id)
)
