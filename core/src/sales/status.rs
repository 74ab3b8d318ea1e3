//! Line and header status as pure functions of the quantity counters.

use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;

/// Status of a line, or of an order (derived, never set by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OrderStatus {
    /// Something is still to be delivered (a backorder).
    #[sea_orm(string_value = "open_order")]
    OpenOrder,
    /// Everything delivered; something still to be invoiced.
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Everything delivered and invoiced.
    #[sea_orm(string_value = "invoiced")]
    Invoiced,
    /// Canceled with nothing delivered.
    #[sea_orm(string_value = "canceled")]
    Canceled,
}
crate::enum_cell!(OrderStatus);

/// BC-style release status of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ReleaseStatus {
    /// Editable.
    #[sea_orm(string_value = "open")]
    Open,
    /// Locked for the warehouse.
    #[sea_orm(string_value = "released")]
    Released,
    /// Waiting for an approver.
    #[sea_orm(string_value = "pending_approval")]
    PendingApproval,
}
crate::enum_cell!(ReleaseStatus);

/// Status of a sales quotation: Created → Sent → Confirmed | Lost | Canceled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum QuotationStatus {
    /// Being prepared.
    #[sea_orm(string_value = "created")]
    Created,
    /// Sent to the customer or prospect (may be re-sent).
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Confirmed into a sales order (final).
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    /// Lost, with a reason (final).
    #[sea_orm(string_value = "lost")]
    Lost,
    /// Canceled, with a reason (final).
    #[sea_orm(string_value = "canceled")]
    Canceled,
}

/// Highest document posted for an order; never goes back unless that
/// document is reversed. Packing slips and invoices arrive with their issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DocumentStatus {
    /// Nothing posted yet.
    #[sea_orm(string_value = "none")]
    None,
    /// Confirmed.
    #[sea_orm(string_value = "confirmation")]
    Confirmation,
    /// A picking list was posted.
    #[sea_orm(string_value = "picking_list")]
    PickingList,
    /// A packing slip was posted.
    #[sea_orm(string_value = "packing_slip")]
    PackingSlip,
    /// An invoice was posted.
    #[sea_orm(string_value = "invoice")]
    Invoice,
}
crate::enum_cell!(DocumentStatus);

impl DocumentStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::None => "none",
            DocumentStatus::Confirmation => "confirmation",
            DocumentStatus::PickingList => "picking_list",
            DocumentStatus::PackingSlip => "packing_slip",
            DocumentStatus::Invoice => "invoice",
        }
    }
}

/// What is left to deliver on a line: ordered − delivered − canceled, and zero once more than
/// ordered was delivered (within the over-delivery tolerance). It has the sign of the ordered
/// quantity (negative on a returned order's line).
pub fn deliver_remainder(ordered: Decimal, delivered: Decimal, canceled: Decimal) -> Decimal {
    let r = ordered - delivered - canceled;
    if r.is_sign_negative() != ordered.is_sign_negative() && !r.is_zero() {
        Decimal::ZERO
    } else {
        r
    }
}

/// Line status from its counters: deliver remainder ([`deliver_remainder`]); invoice
/// remainder = delivered − invoiced.
pub fn line_status(
    ordered: Decimal,
    delivered: Decimal,
    invoiced: Decimal,
    canceled: Decimal,
) -> OrderStatus {
    let deliver_remainder = deliver_remainder(ordered, delivered, canceled);
    let invoice_remainder = delivered - invoiced;
    if !deliver_remainder.is_zero() {
        OrderStatus::OpenOrder
    } else if delivered.is_zero() && !canceled.is_zero() {
        OrderStatus::Canceled
    } else if !invoice_remainder.is_zero() {
        OrderStatus::Delivered
    } else {
        OrderStatus::Invoiced
    }
}

/// Header status from the line statuses: Canceled if all are; else Invoiced if every
/// non-canceled line is; else Delivered if every non-canceled line is Delivered or Invoiced;
/// else Open order. An order without lines is an open order.
pub fn header_status(lines: &[OrderStatus]) -> OrderStatus {
    let live: Vec<OrderStatus> = lines
        .iter()
        .copied()
        .filter(|s| *s != OrderStatus::Canceled)
        .collect();
    if !lines.is_empty() && live.is_empty() {
        OrderStatus::Canceled
    } else if !live.is_empty() && live.iter().all(|s| *s == OrderStatus::Invoiced) {
        OrderStatus::Invoiced
    } else if !live.is_empty()
        && live
            .iter()
            .all(|s| matches!(s, OrderStatus::Delivered | OrderStatus::Invoiced))
    {
        OrderStatus::Delivered
    } else {
        OrderStatus::OpenOrder
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    /// S2's rows: 100 ordered; 60 delivered → open; 60 invoiced → open; 100 delivered →
    /// delivered; 100 invoiced → invoiced. Cancel with nothing delivered → canceled; cancel
    /// the rest after a partial delivery → delivered, never canceled.
    #[test]
    fn line_status_follows_the_counters() {
        assert_eq!(line_status(d(100), d(0), d(0), d(0)), OpenOrder);
        assert_eq!(line_status(d(100), d(60), d(0), d(0)), OpenOrder);
        assert_eq!(line_status(d(100), d(60), d(60), d(0)), OpenOrder);
        assert_eq!(line_status(d(100), d(100), d(60), d(0)), Delivered);
        assert_eq!(line_status(d(100), d(100), d(100), d(0)), Invoiced);
        assert_eq!(line_status(d(100), d(0), d(0), d(100)), Canceled);
        assert_eq!(line_status(d(100), d(60), d(0), d(40)), Delivered);
        assert_eq!(line_status(d(100), d(60), d(60), d(40)), Invoiced);
    }

    /// Over-delivered within the tolerance: nothing left, delivered; a returned order's line
    /// (negative quantity) keeps its negative remainder.
    #[test]
    fn an_over_delivered_line_has_nothing_left() {
        assert_eq!(deliver_remainder(d(100), d(105), d(0)), d(0));
        assert_eq!(line_status(d(100), d(105), d(0), d(0)), Delivered);
        assert_eq!(deliver_remainder(d(-5), d(0), d(0)), d(-5));
        assert_eq!(line_status(d(-5), d(0), d(0), d(0)), OpenOrder);
        assert_eq!(deliver_remainder(d(100), d(60), d(0)), d(40));
    }

    #[test]
    fn header_status_from_lines() {
        assert_eq!(header_status(&[]), OpenOrder);
        assert_eq!(header_status(&[Canceled, Canceled]), Canceled);
        assert_eq!(header_status(&[Invoiced, Canceled]), Invoiced);
        assert_eq!(header_status(&[Invoiced, Delivered]), Delivered);
        assert_eq!(header_status(&[Invoiced, OpenOrder]), OpenOrder);
    }
}
