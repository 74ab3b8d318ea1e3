-- Quotations carry the invoice discount of the bill-to customer's terms (DOMAIN.md 8.2), as
-- the orders they become do, so a confirmed quotation's order has the same totals.
ALTER TABLE sales_quotations ADD COLUMN invoice_discount_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sales_quotation_lines ADD COLUMN invoice_discount_amount BIGINT NOT NULL DEFAULT 0
