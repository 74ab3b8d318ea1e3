-- Where a line's unit price came from, as a code and a reference: the text
-- `trade_agreement:<id>` becomes `trade_agreement` with the agreement line's id in its own
-- column (`manual` and `base_price` stay as they are). Agreement lines are archived, never
-- deleted, so the reference always resolves.
ALTER TABLE sales_order_lines ADD COLUMN price_agreement_line_id BIGINT REFERENCES trade_agreements (id);
UPDATE sales_order_lines
   SET price_agreement_line_id = CAST(SUBSTR(price_source, 17) AS BIGINT),
       price_source = 'trade_agreement'
 WHERE price_source LIKE 'trade_agreement:%';
ALTER TABLE sales_quotation_lines ADD COLUMN price_agreement_line_id BIGINT REFERENCES trade_agreements (id);
UPDATE sales_quotation_lines
   SET price_agreement_line_id = CAST(SUBSTR(price_source, 17) AS BIGINT),
       price_source = 'trade_agreement'
 WHERE price_source LIKE 'trade_agreement:%';
