//! Sales quotations: entry, sending, confirming into an order, closing.

use super::orders::{SalesOrder, SalesOrderLineInput, customer, line_input};
use crate::connection;
use crate::graphql::catalog::{Item, item_of};
use crate::graphql::connection::{filter_id, list_cost, page_args, wants_total};
use crate::graphql::crm::types::{Campaign, Opportunity};
use crate::graphql::enums::SortDirection;
use crate::graphql::errors::{Input, internal};
use crate::graphql::ids::{Kind, encode};
use crate::graphql::leaves::Fast;
use crate::graphql::money::{Money, invoice_rounded, money, unit_money};
use crate::graphql::parties::{Customer, Prospect};
use crate::graphql::scalars::{Date, Dec};
use crate::graphql::setup::{Currency, currency_of};
use crate::graphql::trade::{PriceSourceKind, TradeAgreement, price_agreement_of};
use crate::graphql::{change, company_id, db, loaders, read, require, write};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::{self};

impl From<SalesQuotationSortField> for sales::QuotationSort {
    fn from(f: SalesQuotationSortField) -> Self {
        match f {
            SalesQuotationSortField::Number => sales::QuotationSort::Number,
            SalesQuotationSortField::QuotationDate => sales::QuotationSort::QuotationDate,
            SalesQuotationSortField::TotalAmount => sales::QuotationSort::TotalAmount,
            SalesQuotationSortField::UpdatedAt => sales::QuotationSort::UpdatedAt,
        }
    }
}

/// Field the quotation list is sorted by.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SalesQuotationSortField {
    /// By number, in numeric order (Q-2 before Q-10).
    #[default]
    Number,
    /// By quotation date.
    QuotationDate,
    /// By total amount including tax.
    TotalAmount,
    /// By last change.
    UpdatedAt,
}

/// Order of the quotation list.
#[derive(InputObject, Default)]
pub struct SalesQuotationSort {
    /// Sort field.
    #[graphql(default)]
    pub field: SalesQuotationSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Status of a sales quotation.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::QuotationStatus")]
pub enum QuotationStatus {
    /// Being prepared.
    Created,
    /// Sent (may be re-sent).
    Sent,
    /// Confirmed into a sales order (final).
    Confirmed,
    /// Lost, with a reason (final).
    Lost,
    /// Canceled, with a reason (final).
    Canceled,
}

/// A sales quotation.
#[derive(Clone, Debug)]
pub struct SalesQuotation(pub sales::sales_quotation::Model);

/// A sales quotation to a customer or a prospect.
#[Object]
impl SalesQuotation {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesQuotation, self.0.id)
    }
    /// Number, e.g. `Q-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The customer, when addressed to one.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Fast<Customer>>> {
        match self.0.customer_id {
            Some(c) => Ok(Some(customer(ctx, c).await?)),
            None => Ok(None),
        }
    }
    /// The prospect, when addressed to one.
    async fn prospect(&self, ctx: &Context<'_>) -> Result<Option<Prospect>> {
        let Some(p) = self.0.prospect_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .prospect
            .load_one(p)
            .await
            .map_err(internal)?
            .map(Prospect))
    }
    /// Currency.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Tax group the lines were taxed with.
    async fn tax_group(&self) -> Option<&str> {
        self.0.tax_group.as_deref()
    }
    /// Quotation date; prices were resolved on it.
    async fn quotation_date(&self) -> Date {
        Date(self.0.quotation_date)
    }
    /// Valid until (inclusive).
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
    }
    /// The validity has passed (derived from today's date); an expired quotation cannot be confirmed.
    async fn expired(&self) -> bool {
        self.0
            .valid_until
            .is_some_and(|u| u < chrono::Utc::now().date_naive())
    }
    /// Requested ship date.
    async fn requested_ship_date(&self) -> Option<Date> {
        self.0.requested_ship_date.map(Date)
    }
    /// The opportunity it belongs to (won on confirmation).
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        let Some(o) = self.0.opportunity_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .opportunity
            .load_one(o)
            .await
            .map_err(internal)?
            .map(Opportunity))
    }
    /// The campaign it is attributed to.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        let Some(c) = self.0.campaign_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .campaign
            .load_one(c)
            .await
            .map_err(internal)?
            .map(Campaign))
    }
    /// Status.
    async fn status(&self) -> QuotationStatus {
        self.0.status.into()
    }
    /// Why it was lost or canceled.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// How many times it was sent.
    async fn sent_count(&self) -> i32 {
        self.0.sent_count
    }
    /// The order it was confirmed into.
    async fn sales_order(&self, ctx: &Context<'_>) -> Result<Option<SalesOrder>> {
        let Some(o) = self.0.sales_order_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .sales_order
            .load_one(o)
            .await
            .map_err(internal)?
            .map(SalesOrder))
    }
    /// Invoice discount of the bill-to customer's terms (allocated to the lines), as on the
    /// order the quotation becomes; zero for a prospect.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(
            ctx,
            self.0.invoice_discount_amount.value(),
            self.0.currency_id,
        )
        .await
    }
    /// Σ line amounts less the invoice discount.
    async fn net_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.net_amount.value(), self.0.currency_id).await
    }
    /// Sales tax.
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.0.currency_id).await
    }
    /// Net plus tax.
    async fn total_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.total_amount.value(), self.0.currency_id).await
    }
    /// What an invoice of this total comes to: `totalAmount` rounded to the currency's invoice
    /// rounding step and direction (CHF 0.05 nearest: 107.63 → 107.65); equal to `totalAmount`
    /// when the currency has no invoice rounding.
    async fn rounded_total_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        Ok(
            invoice_rounded(ctx, self.0.total_amount.value(), self.0.currency_id)
                .await?
                .0,
        )
    }
    /// The invoice rounding line: `roundedTotalAmount` − `totalAmount` (CHF 107.63: +0.02),
    /// posted to the rounding account when the document is invoiced; zero when none is needed.
    async fn invoice_rounding_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        Ok(
            invoice_rounded(ctx, self.0.total_amount.value(), self.0.currency_id)
                .await?
                .1,
        )
    }
    /// Lines, by line number.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<SalesQuotationLine>> {
        let mut v = loaders(ctx)?
            .quotation_lines
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|l| l.line_number);
        Ok(v.into_iter()
            .map(|l| SalesQuotationLine(l, self.0.currency_id))
            .collect())
    }
}

/// A sales quotation line.
#[derive(Clone, Debug)]
pub struct SalesQuotationLine(pub sales::sales_quotation_line::Model, pub i64);

/// A sales quotation line with its price, discount and tax.
#[Object]
impl SalesQuotationLine {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesQuotationLine, self.0.id)
    }
    /// Line number.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The item.
    async fn item(&self, ctx: &Context<'_>) -> Result<Fast<Item>> {
        item_of(ctx, self.0.item_id).await
    }
    /// Text.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Quantity.
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity.value())
    }
    /// Unit price.
    async fn unit_price(&self, ctx: &Context<'_>) -> Result<Money> {
        unit_money(ctx, self.0.unit_price.value(), self.1).await
    }
    /// Where the price came from.
    async fn price_source(&self) -> PriceSourceKind {
        self.0.price_source.into()
    }
    /// The trade agreement line the price came from (`priceSource` `TRADE_AGREEMENT`; shown
    /// even when archived since); null otherwise.
    async fn price_agreement(&self, ctx: &Context<'_>) -> Result<Option<TradeAgreement>> {
        price_agreement_of(ctx, self.0.price_agreement_line_id).await
    }
    /// Line discount in percent.
    async fn discount_percent(&self) -> Dec {
        Dec::of(self.0.discount_percent.value())
    }
    /// Net line amount.
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount.value(), self.1).await
    }
    /// This line's share of the document's invoice discount.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.invoice_discount_amount.value(), self.1).await
    }
    /// This line's share of the document tax.
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.1).await
    }
}

connection!(
    SalesQuotationConnection,
    SalesQuotationEdge,
    SalesQuotation,
    "sales quotations"
);

/// Filter of the quotation list.
#[derive(InputObject, Default)]
pub struct SalesQuotationFilter {
    /// Case-insensitive part of the number.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<QuotationStatus>,
    /// Only quotations to this customer.
    pub customer_id: Option<ID>,
    /// Only quotations to this prospect.
    pub prospect_id: Option<ID>,
    /// Only quotations dated on or after this day.
    pub quotation_date_from: Option<Date>,
    /// Only quotations dated on or before this day.
    pub quotation_date_to: Option<Date>,
    /// Only quotations changed at or after this time.
    pub updated_since: Option<crate::graphql::scalars::DateTime>,
}

/// Queries of sales quotations.
#[derive(Default)]
pub struct QuotationQuery;

/// Queries of sales quotations.
#[Object]
impl QuotationQuery {
    /// Sales quotations of the company, by number.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn sales_quotations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<SalesQuotationFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<
            SalesQuotationSort,
        >,
    ) -> Result<SalesQuotationConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = sales::QuotationFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            status: f.status.map(Into::into),
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            prospect_id: filter_id("filter.prospectId", f.prospect_id.as_ref(), Kind::Prospect)?,
            quotation_date_from: f.quotation_date_from.map(|d| d.0),
            quotation_date_to: f.quotation_date_to.map(|d| d.0),
            updated_since: f.updated_since.map(|t| t.0),
        };
        let sort = sort.unwrap_or_default();
        let desc = sort.direction == SortDirection::Desc;
        let page =
            read(sales::list_quotations(db, cid, &f, sort.field.into(), desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(sales::count_quotations(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(SalesQuotationConnection::from_page(
            page,
            total,
            SalesQuotation,
        ))
    }
}

payload!(
    SalesQuotationPayload,
    sales_quotation,
    SalesQuotation,
    "Result of a sales quotation mutation.",
    "The quotation, when the mutation succeeded."
);

/// Result of `salesQuotationConfirm`.
#[derive(SimpleObject)]
pub struct SalesQuotationConfirmPayload {
    /// The quotation, now confirmed.
    pub sales_quotation: Option<SalesQuotation>,
    /// The order created from it, with the same lines, prices and totals.
    pub sales_order: Option<SalesOrder>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<crate::graphql::errors::UserError>,
}

/// Input of `salesQuotationCreate`: to a customer (`customerId`) or a prospect (`prospectId`).
#[derive(InputObject)]
pub struct SalesQuotationCreateInput {
    /// A customer.
    pub customer_id: Option<ID>,
    /// Or a prospect.
    pub prospect_id: Option<ID>,
    /// Currency, for a prospect (a customer's own is used); base currency by default.
    pub currency_id: Option<ID>,
    /// Tax group, for a prospect (a customer's own is used).
    pub tax_group: Option<String>,
    /// Quotation date; today by default.
    pub quotation_date: Option<Date>,
    /// Valid until (inclusive).
    pub valid_until: Option<Date>,
    /// Requested ship date.
    pub requested_ship_date: Option<Date>,
    /// The opportunity (won when the quotation is confirmed).
    pub opportunity_id: Option<ID>,
    /// The campaign it is attributed to.
    pub campaign_id: Option<ID>,
    /// Lines.
    #[graphql(default)]
    pub lines: Vec<SalesOrderLineInput>,
}

/// Input of `salesQuotationLineAdd`.
#[derive(InputObject)]
pub struct SalesQuotationLineAddInput {
    /// The quotation (CREATED or SENT).
    pub quotation_id: ID,
    /// The line.
    pub line: SalesOrderLineInput,
}

/// Input of `salesQuotationLineDelete`.
#[derive(InputObject)]
pub struct SalesQuotationLineDeleteInput {
    /// The line.
    pub id: ID,
}

/// Input of `salesQuotationSend`.
#[derive(InputObject)]
pub struct SalesQuotationSendInput {
    /// The quotation (CREATED or SENT).
    pub id: ID,
}

/// Input of `salesQuotationConfirm`.
#[derive(InputObject)]
pub struct SalesQuotationConfirmInput {
    /// The quotation (CREATED or SENT, not expired).
    pub id: ID,
}

/// Input of `salesQuotationClose`.
#[derive(InputObject)]
pub struct SalesQuotationCloseInput {
    /// The quotation (CREATED or SENT).
    pub id: ID,
    /// LOST or CANCELED.
    pub status: QuotationStatus,
    /// Why; required.
    pub reason: Option<String>,
}

/// Mutations of sales quotations.
#[derive(Default)]
pub struct QuotationMutation;

/// Mutations of sales quotations.
#[Object]
impl QuotationMutation {
    /// Creates a quotation to a customer or a prospect, priced and taxed. Clerk.
    async fn sales_quotation_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationCreateInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let lines: Vec<sales::NewOrderLine> = input
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| line_input(&mut inp, &format!("lines.{i}."), l))
            .collect();
        let q = sales::NewQuotation {
            customer_id: inp.opt_id("customerId", input.customer_id.as_ref(), Kind::Customer),
            prospect_id: inp.opt_id("prospectId", input.prospect_id.as_ref(), Kind::Prospect),
            currency_id: inp.opt_id("currencyId", input.currency_id.as_ref(), Kind::Currency),
            tax_group: input.tax_group,
            quotation_date: input.quotation_date.map(|d| d.0),
            valid_until: input.valid_until.map(|d| d.0),
            requested_ship_date: input.requested_ship_date.map(|d| d.0),
            opportunity_id: inp.opt_id(
                "opportunityId",
                input.opportunity_id.as_ref(),
                Kind::Opportunity,
            ),
            campaign_id: inp.opt_id("campaignId", input.campaign_id.as_ref(), Kind::Campaign),
            lines,
        };
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "", async |t| sales::create_quotation(t, cid, q).await).await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Adds a line to a created or sent quotation. Clerk.
    async fn sales_quotation_line_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationLineAddInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("quotationId", &input.quotation_id, Kind::SalesQuotation);
        let l = line_input(&mut inp, "line.", input.line);
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "quotationId", async |t| {
            sales::add_quotation_line(t, cid, id, l).await
        })
        .await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Deletes a line of a created or sent quotation. Clerk.
    async fn sales_quotation_line_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationLineDeleteInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotationLine);
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "id", async |t| {
            sales::delete_quotation_line(t, cid, id).await
        })
        .await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Sends (or re-sends) a quotation: CREATED or SENT → SENT. Clerk.
    async fn sales_quotation_send(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationSendInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotation);
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "id", async |t| sales::send_quotation(t, cid, id).await).await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Closes a quotation as LOST or CANCELED with a reason. Clerk.
    async fn sales_quotation_close(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationCloseInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotation);
        decoded!(inp, SalesQuotationPayload);
        let (to, r) = (input.status.into(), input.reason);
        let res = write(ctx, "id", async |t| {
            sales::close_quotation(t, cid, id, to, r).await
        })
        .await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Confirms a quotation into exactly one sales order with the same lines, prices and
    /// totals; a linked opportunity is won. A prospect must be converted to a customer first
    /// (`PROSPECT_NOT_CUSTOMER`); an expired quotation is refused (`QUOTATION_EXPIRED`). Clerk.
    async fn sales_quotation_confirm(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationConfirmInput,
    ) -> Result<SalesQuotationConfirmPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotation);
        if let Err(e) = inp.finish() {
            return Ok(SalesQuotationConfirmPayload {
                sales_quotation: None,
                sales_order: None,
                user_errors: e,
            });
        }
        let today = chrono::Utc::now().date_naive();
        let c = Change::ConfirmQuotation {
            quotation_id: id,
            today,
        };
        let res = change(ctx, cid, "id", c).await?;
        Ok(match res {
            Ok(done) => SalesQuotationConfirmPayload {
                sales_quotation: done.quotation.map(SalesQuotation),
                sales_order: done.orders.into_iter().next().map(SalesOrder),
                user_errors: vec![],
            },
            Err(e) => SalesQuotationConfirmPayload {
                sales_quotation: None,
                sales_order: None,
                user_errors: e,
            },
        })
    }
}
