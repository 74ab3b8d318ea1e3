-- Customer invoices, their general-ledger vouchers and exchange rates (DOMAIN.md §5, §12.5,
-- §12.6). An invoice is posted in one transaction: its number comes from its continuous
-- sequence inside it, a customer ledger entry opens with remaining = total, and a voucher
-- (receivable, revenue per account, invoice discount, tax per code, rounding) balances.
-- Posted rows are never updated. Amounts are stored × 10⁴, quantities and rates × 10⁶.
ALTER TABLE companies ADD COLUMN receivable_account VARCHAR(20) NOT NULL DEFAULT '1200';
ALTER TABLE companies ADD COLUMN revenue_account VARCHAR(20) NOT NULL DEFAULT '4000';
ALTER TABLE companies ADD COLUMN invoice_discount_account VARCHAR(20) NOT NULL DEFAULT '4090';
ALTER TABLE companies ADD COLUMN tax_account VARCHAR(20) NOT NULL DEFAULT '2200';
ALTER TABLE companies ADD COLUMN rounding_account VARCHAR(20) NOT NULL DEFAULT '4990';
ALTER TABLE companies ADD COLUMN chronological_numbering BOOLEAN NOT NULL DEFAULT FALSE;
-- The seller on invoices: VAT identifier, legal registration and address.
ALTER TABLE companies ADD COLUMN vat_id VARCHAR(40);
ALTER TABLE companies ADD COLUMN legal_id VARCHAR(40);
ALTER TABLE companies ADD COLUMN street VARCHAR(200);
ALTER TABLE companies ADD COLUMN city VARCHAR(100);
ALTER TABLE companies ADD COLUMN postal_code VARCHAR(20);
ALTER TABLE companies ADD COLUMN country_code VARCHAR(2);
CREATE TABLE exchange_rates (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  valid_from DATE NOT NULL,
  rate BIGINT NOT NULL,
  created_at {ts} NOT NULL,
  UNIQUE (company_id, currency_id, valid_from)
);
CREATE TABLE gl_vouchers (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  posting_date DATE NOT NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  exchange_rate BIGINT NOT NULL,
  document_number VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  created_at {ts} NOT NULL,
  UNIQUE (company_id, number)
);
CREATE INDEX gl_vouchers_number_order ON gl_vouchers (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE TABLE gl_voucher_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  voucher_id BIGINT NOT NULL REFERENCES gl_vouchers(id),
  line_number INTEGER NOT NULL,
  account VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  debit BIGINT NOT NULL,
  credit BIGINT NOT NULL,
  base_debit BIGINT NOT NULL,
  base_credit BIGINT NOT NULL
);
CREATE INDEX gl_voucher_lines_voucher ON gl_voucher_lines (voucher_id);
CREATE TABLE customer_invoices (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  kind VARCHAR(16) NOT NULL,
  number VARCHAR(20) NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  invoice_date DATE NOT NULL,
  due_date DATE NOT NULL,
  cash_discount_date DATE,
  cash_discount_amount BIGINT NOT NULL,
  exchange_rate BIGINT NOT NULL,
  line_amount BIGINT NOT NULL,
  invoice_discount_amount BIGINT NOT NULL,
  net_amount BIGINT NOT NULL,
  tax_amount BIGINT NOT NULL,
  rounding_amount BIGINT NOT NULL,
  total_amount BIGINT NOT NULL,
  base_net_amount BIGINT NOT NULL,
  base_tax_amount BIGINT NOT NULL,
  base_total_amount BIGINT NOT NULL,
  voucher_id BIGINT NOT NULL REFERENCES gl_vouchers(id),
  idempotency_key VARCHAR(100),
  request_digest VARCHAR(64),
  created_at {ts} NOT NULL,
  UNIQUE (company_id, number),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX customer_invoices_customer ON customer_invoices (customer_id);
CREATE INDEX customer_invoices_number_order ON customer_invoices (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX customer_invoices_kind_date ON customer_invoices (company_id, kind, invoice_date);
CREATE TABLE customer_invoice_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  invoice_id BIGINT NOT NULL REFERENCES customer_invoices(id),
  line_number INTEGER NOT NULL,
  order_id BIGINT REFERENCES sales_orders(id),
  order_line_id BIGINT REFERENCES sales_order_lines(id),
  packing_slip_line_id BIGINT REFERENCES packing_slip_lines(id),
  item_id BIGINT REFERENCES items(id),
  description VARCHAR(200) NOT NULL,
  account VARCHAR(20) NOT NULL,
  quantity BIGINT NOT NULL,
  unit_id BIGINT REFERENCES units_of_measure(id),
  unit_price BIGINT NOT NULL,
  line_amount BIGINT NOT NULL,
  invoice_discount_amount BIGINT NOT NULL,
  tax_code_id BIGINT REFERENCES tax_codes(id),
  tax_amount BIGINT NOT NULL
);
CREATE INDEX customer_invoice_lines_invoice ON customer_invoice_lines (invoice_id);
CREATE INDEX customer_invoice_lines_order_line ON customer_invoice_lines (order_line_id);
CREATE INDEX customer_invoice_lines_packing_slip_line ON customer_invoice_lines (packing_slip_line_id);
ALTER TABLE customer_ledger_entries ADD COLUMN invoice_id BIGINT REFERENCES customer_invoices(id);
ALTER TABLE customer_ledger_entries ADD COLUMN cash_discount_date DATE;
ALTER TABLE customer_ledger_entries ADD COLUMN cash_discount_amount BIGINT NOT NULL DEFAULT 0;
-- Continuous sequences (invoices, free text invoices, vouchers): `draws` counts the numbers
-- drawn, so the counter can be set only before the first one; `last_date` is the posting date
-- of the last number, which chronological numbering never lets a later number go before.
ALTER TABLE number_sequences ADD COLUMN draws BIGINT NOT NULL DEFAULT 0;
ALTER TABLE number_sequences ADD COLUMN last_date DATE;
-- An order created with an idempotency key: a retry with the key returns it.
ALTER TABLE sales_orders ADD COLUMN idempotency_key VARCHAR(100);
ALTER TABLE sales_orders ADD COLUMN request_digest VARCHAR(64);
CREATE UNIQUE INDEX sales_orders_idempotency_key ON sales_orders (company_id, idempotency_key);
-- A subscription line's quantity per period, recorded at its first renewal (each invoice that
-- completes a period orders the next one: invariant 7).
ALTER TABLE sales_order_lines ADD COLUMN period_quantity BIGINT;
-- Picking lists (an optional step before packing slips; a company setting makes it required):
-- a list names the order lines and quantities to pick from one warehouse; registering it
-- records what was picked (any unpicked rest is dropped); packing slips then consume the
-- picked quantities (`shipped`). With picking required, a packing slip ships only what was
-- picked and not yet shipped.
ALTER TABLE companies ADD COLUMN picking_required BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE picking_lists (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  status VARCHAR(16) NOT NULL,
  created_at {ts} NOT NULL,
  registered_at {ts},
  UNIQUE (company_id, number)
);
CREATE INDEX picking_lists_order ON picking_lists (order_id);
CREATE INDEX picking_lists_number_order ON picking_lists (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE TABLE picking_list_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  picking_list_id BIGINT NOT NULL REFERENCES picking_lists(id),
  order_line_id BIGINT NOT NULL REFERENCES sales_order_lines(id),
  item_id BIGINT NOT NULL REFERENCES items(id),
  quantity BIGINT NOT NULL,
  picked BIGINT NOT NULL,
  shipped BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX picking_list_lines_list ON picking_list_lines (picking_list_id);
CREATE INDEX picking_list_lines_order_line ON picking_list_lines (order_line_id);
