//! Queries. Every list is a Relay connection with `filter` and `sort`; every object with an
//! ID can be fetched with `node`/`nodes`.

use super::connection::{list_cost, page_args};
use super::crm_types;
use super::enums::{ArchivedFilter, Blocked, ItemKind, SortDirection};
use super::errors::{ErrorCode, internal};
use super::ids::{self, Kind};
use super::types::*;
use super::{SCHEMA_VERSION, company_id, db, plugins, rc, read, registry};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use mercator_core::catalog::{self, ItemFilter as CoreItemFilter, ItemSort, item, unit_of_measure};
use mercator_core::crm;
use mercator_core::inventory::{self, LedgerFilter, item_ledger_entry, warehouse};
use mercator_core::numbering::{self, number_sequence};
use mercator_core::paging::Page;
use mercator_core::parties::party;
use mercator_core::parties::{
    self, CustomerFilter as CoreCustomerFilter, CustomerSort as CoreCustomerSort, address, customer,
};
use mercator_core::purchasing::{self, VendorFilter as CoreVendorFilter, vendor};
use mercator_core::setup::{self, CodeFilter, CodeTable, currency, payment_terms, tax_code};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Filter of a list of coded setup records (currencies, tax codes, units, ...).
#[derive(InputObject, Default)]
pub struct CodeListFilter {
    /// Case-insensitive part of the code or name.
    pub search: Option<String>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

impl CodeListFilter {
    fn core(&self) -> Result<CodeFilter> {
        Ok(CodeFilter {
            search: super::connection::search_filter(self.search.clone())?,
            archived: self.archived.as_opt(),
        })
    }
}

/// Field a list of coded setup records is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CodeSortField {
    /// By code.
    #[default]
    Code,
}

/// Order of a list of coded setup records.
#[derive(InputObject, Default)]
pub struct CodeListSort {
    /// Sort field.
    #[graphql(default)]
    pub field: CodeSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filter of the customer list.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// Case-insensitive part of account number, name or e-mail.
    pub search: Option<String>,
    /// Only this customer group.
    pub customer_group: Option<String>,
    /// Only customers in this currency.
    pub currency_id: Option<ID>,
    /// Only this blocked state.
    pub blocked: Option<Blocked>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Field the customer list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CustomerSortField {
    /// By account number.
    #[default]
    AccountNumber,
    /// By name.
    Name,
}

/// Order of the customer list.
#[derive(InputObject, Default)]
pub struct CustomerSort {
    /// Sort field.
    #[graphql(default)]
    pub field: CustomerSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filter of the vendor list.
#[derive(InputObject, Default)]
pub struct VendorFilter {
    /// Case-insensitive part of account number or name.
    pub search: Option<String>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Field the vendor list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum VendorSortField {
    /// By account number.
    #[default]
    AccountNumber,
}

/// Order of the vendor list.
#[derive(InputObject, Default)]
pub struct VendorSort {
    /// Sort field.
    #[graphql(default)]
    pub field: VendorSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filter of the item list.
#[derive(InputObject, Default)]
pub struct ItemFilter {
    /// Case-insensitive part of number or name.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<ItemKind>,
    /// Only this item group.
    pub item_group: Option<String>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Field the item list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ItemSortField {
    /// By item number.
    #[default]
    Number,
    /// By name.
    Name,
}

/// Order of the item list.
#[derive(InputObject, Default)]
pub struct ItemSortInput {
    /// Sort field.
    #[graphql(default)]
    pub field: ItemSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filter of the item ledger.
#[derive(InputObject, Default)]
pub struct ItemLedgerEntryFilter {
    /// Only this item.
    pub item_id: Option<ID>,
    /// Only this warehouse.
    pub warehouse_id: Option<ID>,
}

/// Field the item ledger is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ItemLedgerEntrySortField {
    /// In the order the entries were recorded.
    #[default]
    Recorded,
}

/// Order of the item ledger.
#[derive(InputObject)]
pub struct ItemLedgerEntrySort {
    /// Sort field.
    #[graphql(default)]
    pub field: ItemLedgerEntrySortField,
    /// Direction; newest first by default.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl Default for ItemLedgerEntrySort {
    fn default() -> Self {
        ItemLedgerEntrySort {
            field: ItemLedgerEntrySortField::Recorded,
            direction: SortDirection::Desc,
        }
    }
}

pub(crate) fn filter_id(field: &str, id: Option<&ID>, kind: Kind) -> Result<Option<i64>> {
    id.map(|i| ids::decode(i, kind).map_err(|e| ErrorCode::InvalidId.error(e.message(field))))
        .transpose()
}

pub(crate) fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// One page of a coded setup table (currencies, tax codes, payment terms, units, warehouses).
#[allow(
    clippy::too_many_arguments,
    reason = "a list field takes the Relay arguments, a filter and a sort"
)]
async fn code_list<E>(
    ctx: &Context<'_>,
    table: &CodeTable<E>,
    after: Option<String>,
    before: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
    filter: Option<CodeListFilter>,
    sort: Option<CodeListSort>,
) -> Result<(Page<E::Model>, Option<u64>)>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    let cid = company_id(ctx)?;
    let args = page_args(first, last, after, before)?;
    let db = &db(ctx)?.conn;
    let f = filter.unwrap_or_default().core()?;
    let desc = sort.unwrap_or_default().direction == SortDirection::Desc;
    let page = read(table.page(db, cid, &f, desc, &args).await).await?;
    let total = if wants_total(ctx) {
        Some(read(table.count(db, cid, &f).await).await?)
    } else {
        None
    };
    Ok((page, total))
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
        Kind::Party => scoped!(party::Entity, party::Column::CompanyId)
            .map(|m| Node::Party(crm_types::Party(m))),
        Kind::Prospect => scoped!(crm::prospect::Entity, crm::prospect::Column::CompanyId)
            .map(|m| Node::Prospect(crm_types::Prospect(m))),
        Kind::Campaign => scoped!(crm::campaign::Entity, crm::campaign::Column::CompanyId)
            .map(|m| Node::Campaign(crm_types::Campaign(m))),
        Kind::CampaignTarget => scoped!(
            crm::campaign_target::Entity,
            crm::campaign_target::Column::CompanyId
        )
        .map(|m| Node::CampaignTarget(crm_types::CampaignTarget(m))),
        Kind::CallList => scoped!(crm::call_list::Entity, crm::call_list::Column::CompanyId)
            .map(|m| Node::CallList(crm_types::CallList(m))),
        Kind::CallListEntry => scoped!(
            crm::call_list_entry::Entity,
            crm::call_list_entry::Column::CompanyId
        )
        .map(|m| Node::CallListEntry(crm_types::CallListEntry(m))),
        Kind::Lead => scoped!(crm::lead::Entity, crm::lead::Column::CompanyId)
            .map(|m| Node::Lead(crm_types::Lead(m))),
        Kind::Opportunity => scoped!(
            crm::opportunity::Entity,
            crm::opportunity::Column::CompanyId
        )
        .map(|m| Node::Opportunity(crm_types::Opportunity(m))),
        Kind::SalesCycle => scoped!(
            crm::sales_cycle::Entity,
            crm::sales_cycle::Column::CompanyId
        )
        .map(|m| Node::SalesCycle(crm_types::SalesCycle(m))),
        Kind::Interaction => scoped!(
            crm::interaction::Entity,
            crm::interaction::Column::CompanyId
        )
        .map(|m| Node::Interaction(crm_types::Interaction(m))),
        Kind::SalesOrder => scoped!(
            mercator_core::sales::sales_order::Entity,
            mercator_core::sales::sales_order::Column::CompanyId
        )
        .map(|m| Node::SalesOrder(super::sales::SalesOrder(m))),
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
                    Some(Node::SalesOrderLine(super::sales::SalesOrderLine(l, cur)))
                }
                None => None,
            }
        }
        Kind::SalesQuotation => scoped!(
            mercator_core::sales::sales_quotation::Entity,
            mercator_core::sales::sales_quotation::Column::CompanyId
        )
        .map(|m| Node::SalesQuotation(super::sales::SalesQuotation(m))),
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
                    Some(Node::SalesQuotationLine(super::sales::SalesQuotationLine(
                        l, cur,
                    )))
                }
                None => None,
            }
        }
        Kind::OrderHold => scoped!(
            mercator_core::sales::workflow::order_hold::Entity,
            mercator_core::sales::workflow::order_hold::Column::CompanyId
        )
        .map(|m| Node::OrderHold(super::workflow::OrderHold(m))),
        Kind::ApprovalRequest => scoped!(
            mercator_core::sales::workflow::approval_request::Entity,
            mercator_core::sales::workflow::approval_request::Column::CompanyId
        )
        .map(|m| Node::ApprovalRequest(super::workflow::ApprovalRequest(m))),
        Kind::UpsellSuggestion => scoped!(
            mercator_core::sales::upsell::upsell_suggestion::Entity,
            mercator_core::sales::upsell::upsell_suggestion::Column::CompanyId
        )
        .map(|m| Node::UpsellSuggestion(super::upsell::UpsellSuggestion(m))),
        Kind::TradeAgreement => scoped!(
            mercator_core::trade::trade_agreement::Entity,
            mercator_core::trade::trade_agreement::Column::CompanyId
        )
        .map(|m| Node::TradeAgreement(super::pricing::TradeAgreement(m))),
        Kind::CustomerLedgerEntry => scoped!(
            crm::ledger_entry::Entity,
            crm::ledger_entry::Column::CompanyId
        )
        .map(|m| Node::CustomerLedgerEntry(crm_types::CustomerLedgerEntry(m))),
        Kind::ContactPerson => match parties::get_contact(db, cid, n).await {
            Ok(c) => Some(Node::ContactPerson(ContactPerson(c))),
            Err(mercator_core::error::ServiceError::NotFound(_)) => None,
            Err(e) => return Err(internal(e)),
        },
    })
}

/// Queries of the foundation: the registry, the viewer, setup and master data.
#[derive(Default)]
pub struct CoreQuery;

/// The root of all queries.
#[derive(async_graphql::MergedObject, Default)]
pub struct Query(
    CoreQuery,
    super::crm_query::CrmQuery,
    super::pricing::PricingQuery,
    super::sales::SalesQuery,
    super::sales::QuotationQuery,
    super::workflow::WorkflowQuery,
    super::sales::StandardQuery,
    super::upsell::UpsellQuery,
);

/// Queries of the foundation: the registry, the viewer, setup and master data.
#[Object]
impl CoreQuery {
    /// Version of this schema; changes when clients could notice.
    async fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

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

    /// The plugins this server loaded (any authenticated caller may read the registry).
    async fn plugins(&self, ctx: &Context<'_>) -> Result<Vec<plugins::Plugin>> {
        rc(ctx)?;
        Ok(plugins::plugins(registry(ctx)?))
    }

    /// Order types: the five standard ones (`builtin`) and those plugins add.
    async fn order_types(&self, ctx: &Context<'_>) -> Result<Vec<plugins::OrderType>> {
        rc(ctx)?;
        Ok(plugins::order_types(registry(ctx)?))
    }

    /// Invoice formats: the built-in ones and those plugins add.
    async fn invoice_formats(&self, ctx: &Context<'_>) -> Result<Vec<plugins::InvoiceFormat>> {
        rc(ctx)?;
        Ok(plugins::invoice_formats(registry(ctx)?))
    }

    /// Promising-date calculators: built-in and from plugins.
    async fn promising_calculators(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<plugins::PromisingCalculator>> {
        rc(ctx)?;
        Ok(plugins::promising_calculators(registry(ctx)?))
    }

    /// The caller: token, roles, companies.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        let r = rc(ctx)?;
        let companies = if r.principal.all_companies {
            read(setup::list_companies(&db(ctx)?.conn, None).await).await?
        } else {
            let ids: Vec<i64> = r.principal.company_ids.iter().copied().collect();
            read(setup::list_companies(&db(ctx)?.conn, Some(&ids)).await).await?
        };
        Ok(Viewer(r.principal.clone(), companies, r.company.clone()))
    }

    /// The company this request acts in.
    async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
        company_id(ctx)?;
        let r = rc(ctx)?;
        r.company
            .clone()
            .map(Company)
            .ok_or_else(|| ErrorCode::CompanyNotAllowed.error("no company chosen"))
    }

    /// Currencies of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn currencies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<CurrencyConnection> {
        let (page, total) = code_list(
            ctx,
            &setup::CURRENCIES,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(CurrencyConnection::from_page(page, total, Currency))
    }

    /// Tax codes of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn tax_codes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<TaxCodeConnection> {
        let (page, total) = code_list(
            ctx,
            &setup::TAX_CODES,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(TaxCodeConnection::from_page(page, total, TaxCode))
    }

    /// Payment terms of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn payment_terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<PaymentTermsConnection> {
        let (page, total) = code_list(
            ctx,
            &setup::PAYMENT_TERMS,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(PaymentTermsConnection::from_page(page, total, PaymentTerms))
    }

    /// Units of measure of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn units_of_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<UnitOfMeasureConnection> {
        let (page, total) = code_list(
            ctx,
            &catalog::UNITS,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(UnitOfMeasureConnection::from_page(
            page,
            total,
            UnitOfMeasure,
        ))
    }

    /// Warehouses of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn warehouses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<WarehouseConnection> {
        let (page, total) = code_list(
            ctx,
            &inventory::WAREHOUSES,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(WarehouseConnection::from_page(page, total, Warehouse))
    }

    /// Customers of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CustomerFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CustomerSort>,
    ) -> Result<CustomerConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = CoreCustomerFilter {
            search: super::connection::search_filter(filter.search)?,
            customer_group: filter.customer_group,
            currency_id: filter_id(
                "filter.currencyId",
                filter.currency_id.as_ref(),
                Kind::Currency,
            )?,
            blocked: filter.blocked.map(Into::into),
            archived: filter.archived.as_opt(),
        };
        let s = match sort.field {
            CustomerSortField::AccountNumber => CoreCustomerSort::AccountNumber,
            CustomerSortField::Name => CoreCustomerSort::Name,
        };
        let page = read(
            parties::list_customers(
                super::db(ctx)?,
                cid,
                &f,
                s,
                sort.direction == SortDirection::Desc,
                &args,
            )
            .await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(parties::count_customers(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(CustomerConnection::from_page(page, total, |(c, p)| {
            Customer::listed(c, p)
        }))
    }

    /// Vendors of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn vendors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            VendorFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<VendorSort>,
    ) -> Result<VendorConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = CoreVendorFilter {
            search: super::connection::search_filter(filter.search)?,
            archived: filter.archived.as_opt(),
        };
        let page = read(
            purchasing::list_vendors(db, cid, &f, sort.direction == SortDirection::Desc, &args)
                .await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(purchasing::count_vendors(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(VendorConnection::from_page(page, total, |(v, p)| {
            Vendor(v, Some(p.into()))
        }))
    }

    /// Items of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            ItemFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<ItemSortInput>,
    ) -> Result<ItemConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = CoreItemFilter {
            search: super::connection::search_filter(filter.search)?,
            kind: filter.kind.map(Into::into),
            item_group: filter.item_group,
            archived: filter.archived.as_opt(),
        };
        let s = match sort.field {
            ItemSortField::Number => ItemSort::Number,
            ItemSortField::Name => ItemSort::Name,
        };
        let page = read(
            catalog::list_items(db, cid, &f, s, sort.direction == SortDirection::Desc, &args).await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(catalog::count_items(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(ItemConnection::from_page(page, total, Item))
    }

    /// Stock movements of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn item_ledger_entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            ItemLedgerEntryFilter,
        >,
        #[graphql(desc = "Order of the rows; newest first when left out or null.")] sort: Option<
            ItemLedgerEntrySort,
        >,
    ) -> Result<ItemLedgerEntryConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = LedgerFilter {
            item_id: filter_id("filter.itemId", filter.item_id.as_ref(), Kind::Item)?,
            warehouse_id: filter_id(
                "filter.warehouseId",
                filter.warehouse_id.as_ref(),
                Kind::Warehouse,
            )?,
        };
        let page = read(
            inventory::list_ledger(db, cid, &f, sort.direction == SortDirection::Desc, &args).await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(inventory::count_ledger(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(ItemLedgerEntryConnection::from_page(
            page,
            total,
            ItemLedgerEntry,
        ))
    }

    /// Number sequences of the company, one per document kind.
    async fn number_sequences(&self, ctx: &Context<'_>) -> Result<Vec<NumberSequence>> {
        let cid = company_id(ctx)?;
        Ok(read(numbering::list_sequences(&db(ctx)?.conn, cid).await)
            .await?
            .into_iter()
            .map(NumberSequence)
            .collect())
    }
}
