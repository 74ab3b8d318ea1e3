//! Global object identification: the `Node` interface over every object with a global ID, and
//! the `node`/`nodes` queries. Above every area (it names them all); nothing but the roots
//! imports it. Archiving is here too: it takes an ID of any kind and answers the node.

use super::catalog::{Item, ItemLedgerEntry, UnitOfMeasure, Warehouse};
use super::crm::types::{
    CallList, CallListEntry, Campaign, CampaignTarget, Interaction, Lead, Opportunity, SalesCycle,
};
use super::errors::{ErrorCode, UserError, id_error, internal};
use super::ids::{self, Kind};
use super::parties::{Address, ContactPerson, Customer, CustomerLedgerEntry, Party, Prospect};
use super::purchasing::Vendor;
use super::sales::invoicing::{CustomerInvoice, CustomerInvoiceLine, ExchangeRate, GlVoucher};
use super::sales::orders::{SalesOrder, SalesOrderLine};
use super::sales::quotations::{SalesQuotation, SalesQuotationLine};
use super::sales::receivables::CustomerPayment;
use super::sales::shipping::{PackingSlip, PackingSlipLine, PickingList, PickingListLine};
use super::sales::upsell::UpsellSuggestion;
use super::sales::workflow::{ApprovalRequest, OrderHold};
use super::setup::{Company, Currency, NumberSequence, PaymentTerms, TaxCode};
use super::trade::TradeAgreement;
use super::{company_id, db, rc, require, write};
use async_graphql::{Context, ID, InputObject, Interface, Object, Result};
use mercator_core::auth::Role;
use mercator_core::catalog::{item, unit_of_measure};
use mercator_core::crm;
use mercator_core::inventory::{item_ledger_entry, warehouse};
use mercator_core::numbering::number_sequence;
use mercator_core::parties::party;
use mercator_core::parties::{self, address, customer};
use mercator_core::purchasing::vendor;
use mercator_core::refs::{self, Table};
use mercator_core::setup::{self, currency, payment_terms, tax_code};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Any object with a global ID. Fetch one with `node(id:)` or many with `nodes(ids:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID; never parse it."))]
pub enum Node {
    /// A company.
    Company(Company),
    /// A currency.
    Currency(Currency),
    /// A tax code.
    TaxCode(TaxCode),
    /// Payment terms.
    PaymentTerms(PaymentTerms),
    /// A unit of measure.
    UnitOfMeasure(UnitOfMeasure),
    /// A warehouse.
    Warehouse(Warehouse),
    /// A customer.
    Customer(Customer),
    /// A vendor.
    Vendor(Vendor),
    /// A contact person.
    ContactPerson(ContactPerson),
    /// An address.
    Address(Address),
    /// An item.
    Item(Item),
    /// An item ledger entry.
    ItemLedgerEntry(ItemLedgerEntry),
    /// A number sequence.
    NumberSequence(NumberSequence),
    /// A party (organisation or person).
    Party(Party),
    /// A prospect.
    Prospect(Prospect),
    /// A campaign.
    Campaign(Campaign),
    /// A campaign target.
    CampaignTarget(CampaignTarget),
    /// A call list.
    CallList(CallList),
    /// A call list entry.
    CallListEntry(CallListEntry),
    /// A lead.
    Lead(Lead),
    /// An opportunity.
    Opportunity(Opportunity),
    /// A sales cycle.
    SalesCycle(SalesCycle),
    /// An interaction.
    Interaction(Interaction),
    /// A customer ledger entry.
    CustomerLedgerEntry(CustomerLedgerEntry),
    /// A trade agreement line.
    TradeAgreement(TradeAgreement),
    /// A sales order.
    SalesOrder(SalesOrder),
    /// A sales order line.
    SalesOrderLine(SalesOrderLine),
    /// A sales quotation.
    SalesQuotation(SalesQuotation),
    /// A sales quotation line.
    SalesQuotationLine(SalesQuotationLine),
    /// A packing slip.
    PackingSlip(PackingSlip),
    /// A packing slip line.
    PackingSlipLine(PackingSlipLine),
    /// A posted customer invoice.
    CustomerInvoice(CustomerInvoice),
    /// A line of a posted customer invoice.
    CustomerInvoiceLine(CustomerInvoiceLine),
    /// A general-ledger voucher.
    GlVoucher(GlVoucher),
    /// An exchange rate.
    ExchangeRate(ExchangeRate),
    CustomerPayment(CustomerPayment),
    /// A picking list.
    PickingList(PickingList),
    /// A picking list line.
    PickingListLine(PickingListLine),
    /// A hold on an order.
    OrderHold(OrderHold),
    /// An approval request of an order.
    ApprovalRequest(ApprovalRequest),
    /// An up-sell or cross-sell suggestion on an order line.
    UpsellSuggestion(UpsellSuggestion),
}

/// Loads one node of the request's company.
pub async fn load_node(ctx: &Context<'_>, id: &str) -> Result<Option<Node>> {
    let Ok((kind, n)) = ids::decode_any(id) else {
        return Err(ErrorCode::InvalidId.error(format!("{id:?} is not a valid ID")));
    };
    let db = &db(ctx)?.conn;
    let r = rc(ctx)?;
    if kind == Kind::Company {
        return Ok(if r.principal.may_act_in(n) {
            setup::company::Entity::find_by_id(n)
                .one(db)
                .await
                .map_err(internal)?
                .map(|c| Node::Company(Company(c)))
        } else {
            None
        });
    }
    let cid = company_id(ctx)?;
    macro_rules! scoped {
        ($ent:ty, $col:expr) => {
            <$ent>::find_by_id(n)
                .filter($col.eq(cid))
                .one(db)
                .await
                .map_err(internal)?
        };
    }
    Ok(match kind {
        Kind::Company => None,
        Kind::Currency => scoped!(currency::Entity, currency::Column::CompanyId)
            .map(|m| Node::Currency(Currency(m))),
        Kind::TaxCode => scoped!(tax_code::Entity, tax_code::Column::CompanyId)
            .map(|m| Node::TaxCode(TaxCode(m))),
        Kind::PaymentTerms => scoped!(payment_terms::Entity, payment_terms::Column::CompanyId)
            .map(|m| Node::PaymentTerms(PaymentTerms(m))),
        Kind::UnitOfMeasure => scoped!(unit_of_measure::Entity, unit_of_measure::Column::CompanyId)
            .map(|m| Node::UnitOfMeasure(UnitOfMeasure(m))),
        Kind::Warehouse => scoped!(warehouse::Entity, warehouse::Column::CompanyId)
            .map(|m| Node::Warehouse(Warehouse(m))),
        Kind::Customer => scoped!(customer::Entity, customer::Column::CompanyId)
            .map(|m| Node::Customer(Customer::full(m))),
        Kind::Vendor => scoped!(vendor::Entity, vendor::Column::CompanyId)
            .map(|m| Node::Vendor(Vendor(m, None))),
        Kind::Address => {
            scoped!(address::Entity, address::Column::CompanyId).map(|m| Node::Address(Address(m)))
        }
        Kind::Item => scoped!(item::Entity, item::Column::CompanyId).map(|m| Node::Item(Item(m))),
        Kind::ItemLedgerEntry => scoped!(
            item_ledger_entry::Entity,
            item_ledger_entry::Column::CompanyId
        )
        .map(|m| Node::ItemLedgerEntry(ItemLedgerEntry(m))),
        Kind::NumberSequence => {
            scoped!(number_sequence::Entity, number_sequence::Column::CompanyId)
                .map(|m| Node::NumberSequence(NumberSequence(m)))
        }
        Kind::Party => {
            scoped!(party::Entity, party::Column::CompanyId).map(|m| Node::Party(Party(m)))
        }
        Kind::Prospect => scoped!(crm::prospect::Entity, crm::prospect::Column::CompanyId)
            .map(|m| Node::Prospect(Prospect(m))),
        Kind::Campaign => scoped!(crm::campaign::Entity, crm::campaign::Column::CompanyId)
            .map(|m| Node::Campaign(Campaign(m))),
        Kind::CampaignTarget => scoped!(
            crm::campaign_target::Entity,
            crm::campaign_target::Column::CompanyId
        )
        .map(|m| Node::CampaignTarget(CampaignTarget(m))),
        Kind::CallList => scoped!(crm::call_list::Entity, crm::call_list::Column::CompanyId)
            .map(|m| Node::CallList(CallList(m))),
        Kind::CallListEntry => scoped!(
            crm::call_list_entry::Entity,
            crm::call_list_entry::Column::CompanyId
        )
        .map(|m| Node::CallListEntry(CallListEntry(m))),
        Kind::Lead => {
            scoped!(crm::lead::Entity, crm::lead::Column::CompanyId).map(|m| Node::Lead(Lead(m)))
        }
        Kind::Opportunity => scoped!(
            crm::opportunity::Entity,
            crm::opportunity::Column::CompanyId
        )
        .map(|m| Node::Opportunity(Opportunity(m))),
        Kind::SalesCycle => scoped!(
            crm::sales_cycle::Entity,
            crm::sales_cycle::Column::CompanyId
        )
        .map(|m| Node::SalesCycle(SalesCycle(m))),
        Kind::Interaction => scoped!(
            crm::interaction::Entity,
            crm::interaction::Column::CompanyId
        )
        .map(|m| Node::Interaction(Interaction(m))),
        Kind::SalesOrder => scoped!(
            mercator_core::sales::sales_order::Entity,
            mercator_core::sales::sales_order::Column::CompanyId
        )
        .map(|m| Node::SalesOrder(SalesOrder(m))),
        Kind::SalesOrderLine => {
            let line = scoped!(
                mercator_core::sales::sales_order_line::Entity,
                mercator_core::sales::sales_order_line::Column::CompanyId
            );
            match line {
                Some(l) => {
                    let cur = mercator_core::sales::get_order(db, cid, l.order_id)
                        .await
                        .map_err(internal)?
                        .currency_id;
                    Some(Node::SalesOrderLine(SalesOrderLine(l, cur)))
                }
                None => None,
            }
        }
        Kind::PackingSlip => scoped!(
            mercator_core::sales::packing_slip::Entity,
            mercator_core::sales::packing_slip::Column::CompanyId
        )
        .map(|m| Node::PackingSlip(PackingSlip(m))),
        Kind::PackingSlipLine => scoped!(
            mercator_core::sales::packing_slip_line::Entity,
            mercator_core::sales::packing_slip_line::Column::CompanyId
        )
        .map(|m| Node::PackingSlipLine(PackingSlipLine(m))),
        Kind::CustomerInvoice => scoped!(
            mercator_core::sales::customer_invoice::Entity,
            mercator_core::sales::customer_invoice::Column::CompanyId
        )
        .map(|m| Node::CustomerInvoice(CustomerInvoice(m))),
        Kind::CustomerInvoiceLine => {
            let line = scoped!(
                mercator_core::sales::customer_invoice_line::Entity,
                mercator_core::sales::customer_invoice_line::Column::CompanyId
            );
            match line {
                Some(l) => {
                    let cur = super::loaders(ctx)?
                        .invoice
                        .load_one(l.invoice_id)
                        .await
                        .map_err(internal)?
                        .ok_or_else(|| internal("invoice missing"))?
                        .currency_id;
                    Some(Node::CustomerInvoiceLine(CustomerInvoiceLine(l, cur)))
                }
                None => None,
            }
        }
        Kind::GlVoucher => scoped!(
            mercator_core::gl::gl_voucher::Entity,
            mercator_core::gl::gl_voucher::Column::CompanyId
        )
        .map(|m| Node::GlVoucher(GlVoucher(m))),
        Kind::ExchangeRate => scoped!(
            mercator_core::setup::exchange_rate::Entity,
            mercator_core::setup::exchange_rate::Column::CompanyId
        )
        .map(|m| Node::ExchangeRate(ExchangeRate(m))),
        Kind::CustomerPayment => scoped!(
            mercator_core::receivables::customer_payment::Entity,
            mercator_core::receivables::customer_payment::Column::CompanyId
        )
        .map(|m| Node::CustomerPayment(CustomerPayment(m))),
        Kind::PickingList => scoped!(
            mercator_core::sales::picking_list::Entity,
            mercator_core::sales::picking_list::Column::CompanyId
        )
        .map(|m| Node::PickingList(PickingList(m))),
        Kind::PickingListLine => scoped!(
            mercator_core::sales::picking_list_line::Entity,
            mercator_core::sales::picking_list_line::Column::CompanyId
        )
        .map(|m| Node::PickingListLine(PickingListLine(m))),
        Kind::SalesQuotation => scoped!(
            mercator_core::sales::sales_quotation::Entity,
            mercator_core::sales::sales_quotation::Column::CompanyId
        )
        .map(|m| Node::SalesQuotation(SalesQuotation(m))),
        Kind::SalesQuotationLine => {
            let line = scoped!(
                mercator_core::sales::sales_quotation_line::Entity,
                mercator_core::sales::sales_quotation_line::Column::CompanyId
            );
            match line {
                Some(l) => {
                    let cur = mercator_core::sales::get_quotation(db, cid, l.quotation_id)
                        .await
                        .map_err(internal)?
                        .currency_id;
                    Some(Node::SalesQuotationLine(SalesQuotationLine(l, cur)))
                }
                None => None,
            }
        }
        Kind::OrderHold => scoped!(
            mercator_core::sales::workflow::order_hold::Entity,
            mercator_core::sales::workflow::order_hold::Column::CompanyId
        )
        .map(|m| Node::OrderHold(OrderHold(m))),
        Kind::ApprovalRequest => scoped!(
            mercator_core::sales::workflow::approval_request::Entity,
            mercator_core::sales::workflow::approval_request::Column::CompanyId
        )
        .map(|m| Node::ApprovalRequest(ApprovalRequest(m))),
        Kind::UpsellSuggestion => scoped!(
            mercator_core::sales::upsell::upsell_suggestion::Entity,
            mercator_core::sales::upsell::upsell_suggestion::Column::CompanyId
        )
        .map(|m| Node::UpsellSuggestion(UpsellSuggestion(m))),
        Kind::TradeAgreement => scoped!(
            mercator_core::trade::trade_agreement::Entity,
            mercator_core::trade::trade_agreement::Column::CompanyId
        )
        .map(|m| Node::TradeAgreement(TradeAgreement(m))),
        Kind::CustomerLedgerEntry => scoped!(
            crm::ledger_entry::Entity,
            crm::ledger_entry::Column::CompanyId
        )
        .map(|m| Node::CustomerLedgerEntry(CustomerLedgerEntry(m))),
        Kind::ContactPerson => match parties::get_contact(db, cid, n).await {
            Ok(c) => Some(Node::ContactPerson(ContactPerson(c))),
            Err(mercator_core::error::ServiceError::NotFound(_)) => None,
            Err(e) => return Err(internal(e)),
        },
    })
}

/// The `node` and `nodes` queries.
#[derive(Default)]
pub struct NodeQuery;

/// Fetching objects by global ID.
#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; null when it does not exist in this company.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> Result<Option<Node>> {
        load_node(ctx, &id).await
    }

    /// Fetches several objects by global ID, in the order given; null for each one not found.
    #[graphql(complexity = "1 + ids.len() * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Up to 100 global IDs.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(ErrorCode::OutOfRange.error(format!("at most 100 ids, got {}", ids.len())));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(load_node(ctx, id).await?);
        }
        Ok(out)
    }
}

payload!(
    ArchivePayload,
    node,
    Node,
    "Result of archiving or restoring a record.",
    "The record, when the mutation succeeded."
);

/// Input of `archive` and `unarchive`.
#[derive(InputObject)]
pub struct ArchiveInput {
    /// A currency, tax code, payment terms, unit, warehouse, customer, vendor, contact person or item.
    pub id: ID,
}

/// Archiving and restoring records of any kind (by global ID).
#[derive(Default)]
pub struct ArchiveMutation;

/// Archiving and restoring records of any kind.
#[Object]
impl ArchiveMutation {
    /// Archives a record: it stays readable and referenced by existing documents, but new data
    /// cannot use it. Setup records need admin, others clerk.
    async fn archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ArchiveInput,
    ) -> Result<ArchivePayload> {
        set_archived(ctx, input, true).await
    }

    /// Restores an archived record.
    async fn unarchive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ArchiveInput,
    ) -> Result<ArchivePayload> {
        set_archived(ctx, input, false).await
    }
}

async fn set_archived(
    ctx: &Context<'_>,
    input: ArchiveInput,
    archived: bool,
) -> Result<ArchivePayload> {
    let (kind, id) = match ids::decode_any(&input.id) {
        Ok(x) => x,
        Err(e) => return Ok(ArchivePayload::done(Err(vec![id_error("id", &e)]))),
    };
    let (table, role) = match kind {
        Kind::Currency => (Table::Currency, Role::Admin),
        Kind::TaxCode => (Table::TaxCode, Role::Admin),
        Kind::PaymentTerms => (Table::PaymentTerms, Role::Admin),
        Kind::UnitOfMeasure => (Table::UnitOfMeasure, Role::Admin),
        Kind::Warehouse => (Table::Warehouse, Role::Admin),
        Kind::Customer => (Table::Customer, Role::Clerk),
        Kind::Vendor => (Table::Vendor, Role::Clerk),
        Kind::ContactPerson => (Table::ContactPerson, Role::Clerk),
        Kind::Item => (Table::Item, Role::Clerk),
        Kind::SalesCycle => (Table::SalesCycle, Role::Admin),
        Kind::TradeAgreement => (Table::TradeAgreement, Role::Clerk),
        Kind::Company
        | Kind::Address
        | Kind::ItemLedgerEntry
        | Kind::NumberSequence
        | Kind::Party
        | Kind::Prospect
        | Kind::Campaign
        | Kind::CampaignTarget
        | Kind::CallList
        | Kind::CallListEntry
        | Kind::Lead
        | Kind::Opportunity
        | Kind::Interaction
        | Kind::CustomerLedgerEntry
        | Kind::SalesOrder
        | Kind::SalesOrderLine
        | Kind::SalesQuotation
        | Kind::SalesQuotationLine
        | Kind::PackingSlip
        | Kind::PackingSlipLine
        | Kind::OrderHold
        | Kind::ApprovalRequest
        | Kind::UpsellSuggestion
        | Kind::CustomerInvoice
        | Kind::CustomerInvoiceLine
        | Kind::GlVoucher
        | Kind::ExchangeRate
        | Kind::CustomerPayment
        | Kind::PickingList
        | Kind::PickingListLine => {
            return Ok(ArchivePayload::done(Err(vec![UserError {
                code: ErrorCode::InvalidId,
                field: Some(vec!["input".into(), "id".into()]),
                message: format!("a {} cannot be archived", kind.name()),
                extension_code: None,
                extension_field: None,
            }])));
        }
    };
    let cid = require(ctx, role)?;
    let res = write(ctx, "id", async |t| {
        if archived && table == Table::Currency {
            setup::check_archivable_currency(t, cid, id).await?;
        }
        refs::set_archived(t, cid, table, id, archived).await
    })
    .await?;
    match res {
        Ok(()) => {
            let node = load_node(ctx, &input.id).await?;
            Ok(ArchivePayload {
                node,
                user_errors: vec![],
            })
        }
        Err(e) => Ok(ArchivePayload::done(Err(e))),
    }
}
