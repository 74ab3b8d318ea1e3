//! Queries. Every list is a Relay connection with `filter` and `sort`; every object with an
//! ID can be fetched with `node`/`nodes`.

use super::connection::{filter_id, list_cost, page_args, wants_total};
use super::enums::{ArchivedFilter, Blocked, ItemKind, SortDirection};
use super::errors::ErrorCode;
use super::ids::Kind;
use super::types::*;
use super::{SCHEMA_VERSION, company_id, db, plugins, rc, read, registry};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use mercator_core::catalog::{self, ItemFilter as CoreItemFilter, ItemSort};
use mercator_core::inventory::{self, LedgerFilter};
use mercator_core::numbering::{self};
use mercator_core::paging::Page;
use mercator_core::parties::{
    self, CustomerFilter as CoreCustomerFilter, CustomerSort as CoreCustomerSort,
};
use mercator_core::purchasing::{self, VendorFilter as CoreVendorFilter};
use mercator_core::setup::{self, CodeFilter, CodeTable};

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

/// Queries of the foundation: the registry, the viewer, setup and master data.
#[derive(Default)]
pub struct CoreQuery;

/// Queries of the foundation: the registry, the viewer, setup and master data.
#[Object]
impl CoreQuery {
    /// Version of this schema; changes when clients could notice.
    async fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
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
            Some(read(parties::count_customers(super::db(ctx)?, cid, &f).await).await?)
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
