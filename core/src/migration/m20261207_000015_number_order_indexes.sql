-- Lists sorted by a document or account number sort in numeric order within a sequence
-- (SO-2 before SO-10) by the expression of paging::number_order: the number left-padded
-- with zeros to 25 characters. Indexed, a page reads its rows in that order instead of
-- sorting every row of the company for each request (on 2,000 orders that sort was most of
-- the order list's cost; docs/performance.md). The expression must stay exactly the one
-- number_order writes: tests/tests/statements.rs checks that each such list's plan uses its index.
CREATE INDEX IF NOT EXISTS items_number_order ON items (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX IF NOT EXISTS customers_number_order ON customers (company_id, (SUBSTR('0000000000000000000000000' || account_number, LENGTH(account_number) + 1)), id);
CREATE INDEX IF NOT EXISTS vendors_number_order ON vendors (company_id, (SUBSTR('0000000000000000000000000' || account_number, LENGTH(account_number) + 1)), id);
CREATE INDEX IF NOT EXISTS prospects_number_order ON prospects (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX IF NOT EXISTS campaigns_number_order ON campaigns (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX IF NOT EXISTS leads_number_order ON leads (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX IF NOT EXISTS opportunities_number_order ON opportunities (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX IF NOT EXISTS sales_quotations_number_order ON sales_quotations (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX IF NOT EXISTS sales_orders_number_order ON sales_orders (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
