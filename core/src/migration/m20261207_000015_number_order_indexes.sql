-- Lists sorted by a document or account number sort in numeric order within a sequence
-- (SO-2 before SO-10) by the expression of paging::number_order: the number left-padded
-- with zeros to 25 characters. Indexed, a page reads its rows in that order instead of
-- sorting every row of the company for each request (on 2,000 orders that sort was most of
-- the order list's cost; docs/performance.md). The expression must stay exactly the one
-- number_order writes: tests/tests/sqlite.rs checks that each such list's plan uses its index.
CREATE INDEX items_number_order ON items (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX customers_number_order ON customers (company_id, (SUBSTR('0000000000000000000000000' || account_number, LENGTH(account_number) + 1)), id);
CREATE INDEX vendors_number_order ON vendors (company_id, (SUBSTR('0000000000000000000000000' || account_number, LENGTH(account_number) + 1)), id);
CREATE INDEX prospects_number_order ON prospects (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX campaigns_number_order ON campaigns (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX leads_number_order ON leads (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX opportunities_number_order ON opportunities (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX sales_quotations_number_order ON sales_quotations (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX sales_orders_number_order ON sales_orders (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
