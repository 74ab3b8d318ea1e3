-- Up-sell and cross-sell (DOMAIN.md 9): rules on items or item groups, suggestions per order
-- line (at most once each), accepted or declined, counted for statistics.
CREATE TABLE upsell_rules (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  kind VARCHAR(16) NOT NULL,
  trigger_item_id BIGINT NULL REFERENCES items(id),
  trigger_item_group VARCHAR(20) NULL,
  suggested_item_id BIGINT NOT NULL REFERENCES items(id),
  min_quantity BIGINT NOT NULL,
  customer_group VARCHAR(20) NULL,
  priority INTEGER NOT NULL,
  suggested_quantity BIGINT NULL,
  message VARCHAR(200) NOT NULL,
  active BOOLEAN NOT NULL,
  created_at {ts} NOT NULL
);
CREATE TABLE upsell_suggestions (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
  line_id BIGINT NOT NULL,
  rule_id BIGINT NOT NULL REFERENCES upsell_rules(id),
  status VARCHAR(16) NOT NULL,
  created_at {ts} NOT NULL,
  decided_at {ts} NULL,
  UNIQUE (line_id, rule_id)
);
CREATE INDEX upsell_suggestions_order ON upsell_suggestions (order_id);
ALTER TABLE sales_order_lines ADD COLUMN suggested_from_line_id BIGINT NULL
