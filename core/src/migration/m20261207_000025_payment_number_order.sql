-- The payment list sorts by number numerically within the sequence, through an index like the
-- other posted documents' lists.
CREATE INDEX customer_payments_number_order ON customer_payments (company_id, (SUBSTR('0000000000000000000000000' || number, LENGTH(number) + 1)), id);
CREATE INDEX customer_payments_date ON customer_payments (company_id, payment_date, id);
