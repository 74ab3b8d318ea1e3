-- Holds (DOMAIN.md 3.7) and approvals of large orders (DOMAIN.md 12.2).
ALTER TABLE companies ADD COLUMN approval_threshold BIGINT NULL;
CREATE TABLE hold_codes (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  description VARCHAR(200) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE order_holds (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
  hold_code_id BIGINT NOT NULL REFERENCES hold_codes(id),
  status VARCHAR(16) NOT NULL,
  reason VARCHAR(200) NULL,
  applied_by VARCHAR(200) NOT NULL,
  applied_at {ts} NOT NULL,
  cleared_by VARCHAR(200) NULL,
  cleared_at {ts} NULL
);
CREATE INDEX order_holds_order ON order_holds (order_id);
CREATE TABLE approvers (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  user_name VARCHAR(200) NOT NULL,
  approver_name VARCHAR(200) NULL,
  approval_limit BIGINT NULL,
  substitute_name VARCHAR(200) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, user_name)
);
CREATE TABLE approval_requests (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  order_id BIGINT NOT NULL REFERENCES sales_orders(id),
  sequence INTEGER NOT NULL,
  status VARCHAR(16) NOT NULL,
  requested_by VARCHAR(200) NOT NULL,
  approver_name VARCHAR(200) NOT NULL,
  amount BIGINT NOT NULL,
  comment VARCHAR(200) NULL,
  created_at {ts} NOT NULL,
  decided_at {ts} NULL
);
CREATE INDEX approval_requests_order ON approval_requests (order_id)
