-- Relationships and marketing: prospects, campaigns with targets and call lists, leads, sales
-- cycles and opportunities, the interaction log, the customer ledger (opening entries for now;
-- invoicing posts here later), and the merge audit log. Same placeholders and scales as 000001.
CREATE TABLE prospects (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  number VARCHAR(20) NOT NULL,
  salesperson VARCHAR(50) NULL,
  segment VARCHAR(20) NULL,
  status VARCHAR(16) NOT NULL,
  converted_customer_id BIGINT NULL REFERENCES customers(id),
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, number),
  UNIQUE (party_id)
);
CREATE INDEX parties_company_id ON parties (company_id, id);
CREATE INDEX prospects_company_status ON prospects (company_id, status);
CREATE INDEX prospects_customer ON prospects (converted_customer_id);
CREATE INDEX customers_invoice_account ON customers (invoice_account_id);
CREATE INDEX contact_persons_party ON contact_persons (party_id);
CREATE INDEX vendors_party ON vendors (party_id);
CREATE TABLE campaigns (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  start_date DATE NULL,
  end_date DATE NULL,
  follow_up_date DATE NULL,
  owner VARCHAR(50) NULL,
  budget BIGINT NOT NULL,
  cost BIGINT NOT NULL,
  target_description VARCHAR(200) NULL,
  parent_campaign_id BIGINT NULL REFERENCES campaigns(id),
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, number)
);
CREATE TABLE sales_cycles (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  code VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  archived_at {ts} NULL,
  UNIQUE (company_id, code)
);
CREATE TABLE sales_cycle_stages (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  sales_cycle_id BIGINT NOT NULL REFERENCES sales_cycles(id),
  position INTEGER NOT NULL,
  name VARCHAR(200) NOT NULL,
  completed_percent BIGINT NOT NULL,
  chance_percent BIGINT NOT NULL,
  quote_required BOOLEAN NOT NULL,
  allow_skip BOOLEAN NOT NULL,
  UNIQUE (sales_cycle_id, position)
);
CREATE TABLE leads (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  party_id BIGINT NOT NULL REFERENCES parties(id),
  subject VARCHAR(200) NOT NULL,
  source VARCHAR(16) NOT NULL,
  campaign_id BIGINT NULL REFERENCES campaigns(id),
  responsible VARCHAR(50) NULL,
  estimated_value BIGINT NULL,
  currency_id BIGINT NULL REFERENCES currencies(id),
  status VARCHAR(16) NOT NULL,
  status_reason VARCHAR(200) NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, number)
);
CREATE INDEX leads_party ON leads (party_id);
CREATE INDEX leads_campaign ON leads (campaign_id);
CREATE TABLE opportunities (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  number VARCHAR(20) NOT NULL,
  party_id BIGINT NOT NULL REFERENCES parties(id),
  subject VARCHAR(200) NOT NULL,
  lead_id BIGINT NULL REFERENCES leads(id),
  campaign_id BIGINT NULL REFERENCES campaigns(id),
  salesperson VARCHAR(50) NULL,
  sales_cycle_id BIGINT NULL REFERENCES sales_cycles(id),
  stage_position INTEGER NULL,
  probability_percent BIGINT NOT NULL,
  estimated_value BIGINT NOT NULL,
  weighted_value BIGINT NOT NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  expected_close_date DATE NULL,
  status VARCHAR(16) NOT NULL,
  close_reason VARCHAR(200) NULL,
  closed_on DATE NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (company_id, number)
);
CREATE INDEX opportunities_party ON opportunities (party_id);
CREATE INDEX opportunities_campaign ON opportunities (campaign_id);
CREATE INDEX opportunities_lead ON opportunities (lead_id);
CREATE INDEX opportunities_pipeline ON opportunities (company_id, status, sales_cycle_id, stage_position);
CREATE TABLE campaign_targets (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  contact_person_id BIGINT NULL REFERENCES contact_persons(id),
  role_at_time VARCHAR(16) NOT NULL,
  sent_on DATE NULL,
  response VARCHAR(16) NOT NULL,
  response_code VARCHAR(20) NULL,
  responded_on DATE NULL,
  follow_up_date DATE NULL,
  generated_lead_id BIGINT NULL REFERENCES leads(id),
  generated_opportunity_id BIGINT NULL REFERENCES opportunities(id),
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (campaign_id, party_id)
);
CREATE INDEX campaign_targets_party ON campaign_targets (party_id);
CREATE INDEX campaign_targets_contact ON campaign_targets (contact_person_id);
CREATE TABLE call_lists (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  campaign_id BIGINT NULL REFERENCES campaigns(id),
  name VARCHAR(200) NOT NULL,
  responsible VARCHAR(50) NULL,
  questionnaire VARCHAR(200) NULL,
  start_date DATE NULL,
  end_date DATE NULL,
  created_at {ts} NOT NULL,
  updated_at {ts} NOT NULL
);
CREATE TABLE call_list_entries (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  call_list_id BIGINT NOT NULL REFERENCES call_lists(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  contact_person_id BIGINT NULL REFERENCES contact_persons(id),
  call_status VARCHAR(16) NOT NULL,
  notes VARCHAR(2000) NULL,
  call_back_on DATE NULL,
  last_called_at {ts} NULL,
  updated_at {ts} NOT NULL,
  UNIQUE (call_list_id, party_id)
);
CREATE INDEX call_list_entries_party ON call_list_entries (party_id);
CREATE INDEX call_list_entries_contact ON call_list_entries (contact_person_id);
CREATE TABLE interactions (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  party_id BIGINT NOT NULL REFERENCES parties(id),
  contact_person_id BIGINT NULL REFERENCES contact_persons(id),
  campaign_id BIGINT NULL REFERENCES campaigns(id),
  lead_id BIGINT NULL REFERENCES leads(id),
  opportunity_id BIGINT NULL REFERENCES opportunities(id),
  kind VARCHAR(16) NOT NULL,
  direction VARCHAR(16) NOT NULL,
  subject VARCHAR(200) NOT NULL,
  occurred_at {ts} NOT NULL,
  salesperson VARCHAR(50) NULL,
  cost BIGINT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  follow_up_on DATE NULL,
  follow_up_done BOOLEAN NOT NULL,
  created_at {ts} NOT NULL
);
CREATE INDEX interactions_party ON interactions (party_id);
CREATE INDEX interactions_contact ON interactions (contact_person_id);
CREATE INDEX interactions_campaign ON interactions (campaign_id);
CREATE INDEX interactions_follow_up ON interactions (company_id, follow_up_done, follow_up_on);
CREATE TABLE customer_ledger_entries (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  entry_type VARCHAR(16) NOT NULL,
  document_number VARCHAR(40) NOT NULL,
  posting_date DATE NOT NULL,
  due_date DATE NULL,
  currency_id BIGINT NOT NULL REFERENCES currencies(id),
  original_amount BIGINT NOT NULL,
  remaining_amount BIGINT NOT NULL,
  description VARCHAR(200) NULL,
  created_at {ts} NOT NULL
);
CREATE INDEX customer_ledger_customer ON customer_ledger_entries (customer_id);
CREATE TABLE merge_log (
  id {pk},
  company_id BIGINT NOT NULL REFERENCES companies(id),
  kind VARCHAR(16) NOT NULL,
  kept_id BIGINT NOT NULL,
  removed_id BIGINT NOT NULL,
  removed_key VARCHAR(200) NOT NULL,
  kept_party_id BIGINT NOT NULL,
  removed_party_id BIGINT NOT NULL,
  details TEXT NOT NULL,
  merged_by VARCHAR(200) NOT NULL,
  merged_at {ts} NOT NULL
)
