-- Pricing: trade agreement lines (DOMAIN.md 8.1/8.2), the company's pricing rule, and the
-- customer's line discount group. Quantities and percentages at scale 6, amounts (prices and
-- discount amounts per unit) as unit prices at scale 6.
ALTER TABLE companies ADD COLUMN pricing_rule VARCHAR(16) NOT NULL DEFAULT 'trade_agreements';
ALTER TABLE customers ADD COLUMN line_discount_group VARCHAR(20) NULL;
CREATE TABLE trade_agreements (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  relation VARCHAR(16) NOT NULL,
  item_scope VARCHAR(8) NOT NULL,
  item_id BIGINT NULL REFERENCES items(id),
  item_group VARCHAR(20) NULL,
  account_scope VARCHAR(8) NOT NULL,
  customer_id BIGINT NULL REFERENCES customers(id),
  account_group VARCHAR(20) NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  unit_id BIGINT NULL REFERENCES units_of_measure(id),
  quantity_from BIGINT NOT NULL,
  quantity_to BIGINT NOT NULL,
  from_date DATE NULL,
  to_date DATE NULL,
  amount BIGINT NOT NULL,
  percent1 BIGINT NOT NULL,
  percent2 BIGINT NOT NULL,
  find_next BOOLEAN NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL
);
CREATE INDEX trade_agreements_lookup ON trade_agreements (company_id, relation, currency_id);
CREATE INDEX trade_agreements_customer ON trade_agreements (customer_id)
