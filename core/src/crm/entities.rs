//! Tables of the relationships and marketing area.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// The prospect role of a party.
pub mod prospect {
    use super::super::ProspectStatus;
    use sea_orm::entity::prelude::*;
    /// A row of `prospects`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "prospects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub party_id: i64,
        pub number: String,
        pub salesperson: Option<String>,
        pub segment: Option<String>,
        pub status: ProspectStatus,
        pub converted_customer_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A marketing campaign.
pub mod campaign {
    use super::super::{CampaignKind, CampaignStatus};
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `campaigns`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "campaigns")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub name: String,
        pub kind: CampaignKind,
        pub status: CampaignStatus,
        pub start_date: Option<Date>,
        pub end_date: Option<Date>,
        pub follow_up_date: Option<Date>,
        pub owner: Option<String>,
        pub budget: Amount,
        pub cost: Amount,
        pub target_description: Option<String>,
        pub parent_campaign_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A party targeted by a campaign, with its response.
pub mod campaign_target {
    use super::super::{Response, TargetRole};
    use sea_orm::entity::prelude::*;
    /// A row of `campaign_targets`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "campaign_targets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub campaign_id: i64,
        pub party_id: i64,
        pub contact_person_id: Option<i64>,
        pub role_at_time: TargetRole,
        pub sent_on: Option<Date>,
        pub response: Response,
        pub response_code: Option<String>,
        pub responded_on: Option<Date>,
        pub follow_up_date: Option<Date>,
        pub generated_lead_id: Option<i64>,
        pub generated_opportunity_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A telemarketing call list.
pub mod call_list {
    use sea_orm::entity::prelude::*;
    /// A row of `call_lists`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "call_lists")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub campaign_id: Option<i64>,
        pub name: String,
        pub responsible: Option<String>,
        pub questionnaire: Option<String>,
        pub start_date: Option<Date>,
        pub end_date: Option<Date>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A party to call on a call list.
pub mod call_list_entry {
    use super::super::CallStatus;
    use sea_orm::entity::prelude::*;
    /// A row of `call_list_entries`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "call_list_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub call_list_id: i64,
        pub party_id: i64,
        pub contact_person_id: Option<i64>,
        pub call_status: CallStatus,
        pub notes: Option<String>,
        pub call_back_on: Option<Date>,
        pub last_called_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A sales lead.
pub mod lead {
    use super::super::{LeadSource, LeadStatus};
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `leads`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "leads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub party_id: i64,
        pub subject: String,
        pub source: LeadSource,
        pub campaign_id: Option<i64>,
        pub responsible: Option<String>,
        pub estimated_value: Option<Amount>,
        pub currency_id: Option<i64>,
        pub status: LeadStatus,
        pub status_reason: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A sales cycle: the stages an opportunity goes through.
pub mod sales_cycle {
    use sea_orm::entity::prelude::*;
    /// A row of `sales_cycles`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_cycles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub name: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// One stage of a sales cycle.
pub mod sales_cycle_stage {
    use crate::money::Rate;
    use sea_orm::entity::prelude::*;
    /// A row of `sales_cycle_stages`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_cycle_stages")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub sales_cycle_id: i64,
        pub position: i32,
        pub name: String,
        pub completed_percent: Rate,
        pub chance_percent: Rate,
        pub quote_required: bool,
        pub allow_skip: bool,
    }
    no_relations!();
}

/// A sales opportunity.
pub mod opportunity {
    use super::super::OpportunityStatus;
    use crate::money::{Amount, Rate};
    use sea_orm::entity::prelude::*;
    /// A row of `opportunities`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "opportunities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub party_id: i64,
        pub subject: String,
        pub lead_id: Option<i64>,
        pub campaign_id: Option<i64>,
        pub salesperson: Option<String>,
        pub sales_cycle_id: Option<i64>,
        pub stage_position: Option<i32>,
        pub probability_percent: Rate,
        pub estimated_value: Amount,
        pub weighted_value: Amount,
        pub currency_id: i64,
        pub expected_close_date: Option<Date>,
        pub status: OpportunityStatus,
        pub close_reason: Option<String>,
        pub closed_on: Option<Date>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// One touch with a party (the interaction log).
pub mod interaction {
    use super::super::{Direction, InteractionKind};
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `interactions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "interactions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub party_id: i64,
        pub contact_person_id: Option<i64>,
        pub campaign_id: Option<i64>,
        pub lead_id: Option<i64>,
        pub opportunity_id: Option<i64>,
        pub kind: InteractionKind,
        pub direction: Direction,
        pub subject: String,
        pub occurred_at: DateTimeUtc,
        pub salesperson: Option<String>,
        pub cost: Amount,
        pub duration_minutes: i32,
        pub follow_up_on: Option<Date>,
        pub follow_up_done: bool,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// An open or settled item of a customer account.
pub mod ledger_entry {
    use super::super::LedgerEntryType;
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `customer_ledger_entries`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_ledger_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub customer_id: i64,
        pub entry_type: LedgerEntryType,
        pub document_number: String,
        pub posting_date: Date,
        pub due_date: Option<Date>,
        pub currency_id: i64,
        pub original_amount: Amount,
        pub remaining_amount: Amount,
        pub description: Option<String>,
        pub created_at: DateTimeUtc,
        /// The invoice it was posted from.
        pub invoice_id: Option<i64>,
        pub cash_discount_date: Option<Date>,
        pub cash_discount_amount: Amount,
    }
    no_relations!();
}

/// The audit record of a merge.
pub mod merge_log {
    use sea_orm::entity::prelude::*;
    /// A row of `merge_log`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "merge_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub kind: crate::crm::merge::DuplicateKind,
        pub kept_id: i64,
        pub removed_id: i64,
        pub removed_key: String,
        pub kept_party_id: i64,
        pub removed_party_id: i64,
        pub details: String,
        pub merged_by: String,
        pub merged_at: DateTimeUtc,
    }
    no_relations!();
}
