-- Packing slips (shipments): each posting is one document with a number from its own
-- sequence; a reversal is a new document with negative quantities that points at the one it
-- reverses. A packing slip line draws on one order line and, for a stocked item, issues the
-- stock through its own item ledger entry. An idempotency key makes a retried posting return
-- the first document instead of posting twice.
CREATE TABLE packing_slips (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  ship_date DATE NOT NULL,
  reverses_id BIGINT REFERENCES packing_slips(id),
  reversed_by_id BIGINT REFERENCES packing_slips(id),
  idempotency_key VARCHAR(100),
  created_at {ts} NOT NULL,
  UNIQUE (company_id, number),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX packing_slips_order ON packing_slips (order_id);
CREATE INDEX packing_slips_customer ON packing_slips (customer_id);
CREATE INDEX packing_slips_number_order ON packing_slips (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE TABLE packing_slip_lines (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  packing_slip_id BIGINT NOT NULL REFERENCES packing_slips(id),
  order_line_id BIGINT NOT NULL REFERENCES sales_order_lines(id),
  item_id BIGINT NOT NULL REFERENCES items(id),
  quantity BIGINT NOT NULL,
  invoiced BIGINT NOT NULL DEFAULT 0,
  item_ledger_entry_id BIGINT REFERENCES item_ledger_entries(id)
);
CREATE INDEX packing_slip_lines_slip ON packing_slip_lines (packing_slip_id);
CREATE INDEX packing_slip_lines_order_line ON packing_slip_lines (order_line_id);
