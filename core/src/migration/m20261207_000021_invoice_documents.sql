-- The document of a posted invoice as it was posted: the neutral message every invoice format
-- renders (seller, buyer and their addresses, payment terms, item numbers, tax codes and
-- rates), as JSON, written in the posting's transaction. A posted invoice renders from it, so
-- renaming the customer or changing a tax rate later does not change an issued invoice.
-- Invoices posted before this table existed have no row and render from the current data.
CREATE TABLE customer_invoice_documents (
  invoice_id BIGINT PRIMARY KEY REFERENCES customer_invoices(id),
  company_id BIGINT NOT NULL REFERENCES companies(id),
  document TEXT NOT NULL
);
