//! The demo company `DEMO`: realistic master data for a newcomer's first five minutes and for
//! the load script. Seeding is one transaction and happens only when `DEMO` does not exist.

use crate::catalog::{self, ItemKind, NewItem, NewUnit};
use crate::error::{ServiceError, ServiceResult};
use crate::inventory::{self, Adjustment, NewWarehouse};
use crate::parties::{
    self, AddressPurpose, Blocked, NewAddress, NewContact, NewCustomer, Owner, PartyDetails,
    PartyKind,
};
use crate::purchasing::{self, NewVendor};
use crate::setup::{self, NewCompany, NewCurrency, NewPaymentTerms, NewTaxCode, company};
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

/// Code of the demo company.
pub const DEMO_CODE: &str = "DEMO";

const ORGS: [&str; 20] = [
    "Fabrikam",
    "Contoso",
    "Northwind Traders",
    "Adventure Works",
    "Tailspin Toys",
    "Wide World Importers",
    "Litware",
    "Proseware",
    "Alpine Ski House",
    "Coho Winery",
    "Fourth Coffee",
    "Blue Yonder Airlines",
    "Woodgrove Bank",
    "Lucerne Publishing",
    "Margie's Travel",
    "Trey Research",
    "Graphic Design Institute",
    "School of Fine Art",
    "Humongous Insurance",
    "City Power & Light",
];
const SUFFIX: [&str; 3] = ["Inc.", "GmbH", "Ltd"];
const FIRST: [&str; 12] = [
    "Anna", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hugo", "Ines", "Jonas", "Kim",
    "Luca",
];
const LAST: [&str; 12] = [
    "Meyer", "Smith", "Rossi", "Dubois", "Novak", "Garcia", "Jensen", "Kowalski", "Silva", "Berg",
    "Tanaka", "Okafor",
];
const CITIES: [(&str, &str, &str); 8] = [
    ("Seattle", "98101", "US"),
    ("Chicago", "60601", "US"),
    ("Berlin", "10115", "DE"),
    ("Zurich", "8001", "CH"),
    ("Lyon", "69001", "FR"),
    ("Milan", "20121", "IT"),
    ("Boston", "02108", "US"),
    ("Denver", "80202", "US"),
];

fn d(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

/// Seeds the demo company if it does not exist. Returns the company and whether it was created.
pub async fn seed(db: &impl ConnectionTrait) -> ServiceResult<(company::Model, bool)> {
    if let Some(c) = setup::company_by_code(db, DEMO_CODE).await? {
        return Ok((c, false));
    }
    let c = setup::create_company(
        db,
        NewCompany {
            code: DEMO_CODE.into(),
            name: "Demo Trading Ltd".into(),
            base_currency: "USD".into(),
        },
    )
    .await?;
    let cid = c.id;
    let Some(usd) = setup::currency_by_code(db, cid, "USD").await? else {
        return Err(ServiceError::NotFound("currency"));
    };
    let mut eur_id = usd.id;
    for code in ["EUR", "CHF", "JPY"] {
        let (name, ..) = setup::iso_defaults(code);
        let cur = setup::create_currency(
            db,
            cid,
            NewCurrency {
                code: code.into(),
                name: name.into(),
                amount_precision: None,
                unit_price_precision: None,
                invoice_rounding_precision: None,
                invoice_rounding_mode: None,
            },
        )
        .await?;
        if code == "EUR" {
            eur_id = cur.id;
        }
    }
    for (code, name, rate) in [
        ("STD", "Standard rate", d(10, 0)),
        ("RED", "Reduced rate", d(5, 0)),
        ("ZERO", "Zero rated", Decimal::ZERO),
    ] {
        setup::create_tax_code(
            db,
            cid,
            NewTaxCode {
                code: code.into(),
                name: name.into(),
                rate,
            },
        )
        .await?;
    }
    tax_setup(db, c.id).await?;
    let net30 = setup::create_payment_terms(
        db,
        cid,
        NewPaymentTerms {
            code: "NET30".into(),
            description: "Net 30 days".into(),
            net_days: 30,
            cash_discount_percent: Decimal::ZERO,
            cash_discount_days: 0,
        },
    )
    .await?;
    let net14 = setup::create_payment_terms(
        db,
        cid,
        NewPaymentTerms {
            code: "2-10-NET30".into(),
            description: "2 % within 10 days, net 30".into(),
            net_days: 30,
            cash_discount_percent: d(2, 0),
            cash_discount_days: 10,
        },
    )
    .await?;
    setup::create_payment_terms(
        db,
        cid,
        NewPaymentTerms {
            code: "COD".into(),
            description: "Cash on delivery".into(),
            net_days: 0,
            cash_discount_percent: Decimal::ZERO,
            cash_discount_days: 0,
        },
    )
    .await?;
    let pcs = catalog::create_unit(
        db,
        cid,
        NewUnit {
            code: "PCS".into(),
            name: "Pieces".into(),
            decimals: 0,
        },
    )
    .await?;
    catalog::create_unit(
        db,
        cid,
        NewUnit {
            code: "BOX".into(),
            name: "Box of 12".into(),
            decimals: 0,
        },
    )
    .await?;
    let kg = catalog::create_unit(
        db,
        cid,
        NewUnit {
            code: "KG".into(),
            name: "Kilogram".into(),
            decimals: 3,
        },
    )
    .await?;
    let hour = catalog::create_unit(
        db,
        cid,
        NewUnit {
            code: "HOUR".into(),
            name: "Hour".into(),
            decimals: 2,
        },
    )
    .await?;
    let main = inventory::create_warehouse(
        db,
        cid,
        NewWarehouse {
            code: "MAIN".into(),
            name: "Main warehouse".into(),
        },
    )
    .await?;
    let east = inventory::create_warehouse(
        db,
        cid,
        NewWarehouse {
            code: "EAST".into(),
            name: "East distribution centre".into(),
        },
    )
    .await?;

    // Items: the five of the worked examples in the tests, then a realistic range.
    let mut items = Vec::new();
    let named: [(&str, &str, ItemKind, i64, i64, i64); 5] = [
        (
            "ITEM-A",
            "Office chair Comfort",
            ItemKind::Stocked,
            2500,
            1400,
            pcs.id,
        ),
        (
            "ITEM-B",
            "Standing desk Flex",
            ItemKind::Stocked,
            4000,
            2600,
            pcs.id,
        ),
        (
            "ITEM-C",
            "Desk lamp LED",
            ItemKind::Stocked,
            999,
            520,
            pcs.id,
        ),
        (
            "ITEM-D",
            "Conference table Oak",
            ItemKind::Stocked,
            5000,
            3500,
            pcs.id,
        ),
        (
            "SVC-S",
            "Installation service",
            ItemKind::Service,
            10000,
            6000,
            hour.id,
        ),
    ];
    for (no, name, kind, price, cost, unit) in named {
        items.push(
            catalog::create_item(
                db,
                cid,
                NewItem {
                    number: Some(no.into()),
                    name: name.into(),
                    kind,
                    base_unit_id: unit,
                    base_sales_price: d(price, 2),
                    unit_cost: d(cost, 2),
                    item_group: Some(
                        if kind == ItemKind::Service {
                            "SERVICES"
                        } else {
                            "FURNITURE"
                        }
                        .into(),
                    ),
                    tax_group: Some("STD".into()),
                },
            )
            .await?,
        );
    }
    let range = [
        "Monitor arm",
        "Whiteboard",
        "Filing cabinet",
        "Ergonomic mouse",
        "Keyboard",
        "Headset",
        "Webcam HD",
        "Paper A4 (kg)",
        "Notebook pack",
        "Coffee beans (kg)",
        "Printer toner",
        "Laptop stand",
        "Cable kit",
        "Desk organiser",
        "Footrest",
    ];
    for (i, name) in range.iter().enumerate() {
        let weight = name.contains("(kg)");
        items.push(
            catalog::create_item(
                db,
                cid,
                NewItem {
                    number: None,
                    name: (*name).into(),
                    kind: ItemKind::Stocked,
                    base_unit_id: if weight { kg.id } else { pcs.id },
                    base_sales_price: d(1500 + 475 * i as i64, 2),
                    unit_cost: d(800 + 260 * i as i64, 2),
                    item_group: Some("OFFICE".into()),
                    tax_group: Some(if weight { "RED" } else { "STD" }.into()),
                },
            )
            .await?,
        );
    }
    let today = Utc::now().date_naive();
    for (i, it) in items.iter().enumerate() {
        if it.kind != ItemKind::Stocked {
            continue;
        }
        for (wh, base) in [(main.id, 120), (east.id, 40)] {
            inventory::adjust(
                db,
                cid,
                Adjustment {
                    item_id: it.id,
                    warehouse_id: wh,
                    quantity: d(base + 7 * i as i64, 0),
                    posting_date: today,
                    reason: Some("Opening balance".into()),
                },
            )
            .await?;
        }
    }

    // Customers: C-1000 of the worked examples, then sixty more with addresses and contacts.
    for i in 0..61usize {
        let org = ORGS[i % ORGS.len()];
        let name = if i == 0 {
            "Fabrikam Retail".to_owned()
        } else {
            format!(
                "{org} {} {}",
                CITIES[i % CITIES.len()].0,
                SUFFIX[i % SUFFIX.len()]
            )
        };
        let (city, zip, country) = CITIES[i % CITIES.len()];
        let slug: String = org
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let cust = parties::create_customer(
            db,
            cid,
            NewCustomer {
                account_number: if i == 0 { Some("C-1000".into()) } else { None },
                kind: PartyKind::Organization,
                details: PartyDetails {
                    name,
                    email: Some(format!("orders{i}@{slug}.example")),
                    phone: Some(format!("+1 555 01{:02}", i % 100)),
                    language: Some("en".into()),
                },
                currency_id: if country == "US" { usd.id } else { eur_id },
                customer_group: Some(if i % 4 == 0 { "WHOLESALE" } else { "RETAIL" }.into()),
                price_group: Some(if i % 4 == 0 { "WHOLESALE" } else { "RETAIL" }.into()),
                line_discount_group: None,
                invoice_discount_code: None,
                payment_terms_id: Some(if i % 3 == 0 { net14.id } else { net30.id }),
                tax_group: Some("DOMESTIC".into()),
                credit_limit: d(500_000 + 25_000 * (i as i64 % 8), 2),
                mandatory_credit_limit: i % 5 == 0,
                blocked: if i == 13 {
                    Blocked::Invoice
                } else {
                    Blocked::No
                },
                combine_shipments: true,
                prices_including_tax: false,
                invoice_account_id: None,
                addresses: vec![
                    NewAddress {
                        code: "MAIN".into(),
                        purposes: vec![AddressPurpose::Business, AddressPurpose::Invoice],
                        street: format!("{} Market Street", 100 + i),
                        street2: None,
                        city: city.into(),
                        postal_code: Some(zip.into()),
                        region: None,
                        country_code: country.into(),
                    },
                    NewAddress {
                        code: "DOCK".into(),
                        purposes: vec![AddressPurpose::Delivery],
                        street: format!("Loading dock {}, {} Harbour Road", 1 + i % 4, 10 + i),
                        street2: None,
                        city: city.into(),
                        postal_code: Some(zip.into()),
                        region: None,
                        country_code: country.into(),
                    },
                ],
            },
        )
        .await?;
        for j in 0..2usize {
            let (f, l) = (
                FIRST[(i + j * 5) % FIRST.len()],
                LAST[(i * 7 + j) % LAST.len()],
            );
            parties::create_contact(
                db,
                cid,
                Owner::Customer(cust.id),
                NewContact {
                    details: PartyDetails {
                        name: format!("{f} {l}"),
                        email: Some(format!(
                            "{}.{}@{slug}.example",
                            f.to_lowercase(),
                            l.to_lowercase()
                        )),
                        phone: None,
                        language: Some("en".into()),
                    },
                    title: Some(
                        if j == 0 {
                            "Purchasing manager"
                        } else {
                            "Accounts payable"
                        }
                        .into(),
                    ),
                },
            )
            .await?;
        }
    }
    for (i, name) in [
        "Contoso Furniture Supply",
        "Litware Components",
        "Proseware Paper",
        "Fourth Coffee Wholesale",
        "Northwind Logistics",
    ]
    .iter()
    .enumerate()
    {
        let v = purchasing::create_vendor(
            db,
            cid,
            NewVendor {
                account_number: None,
                details: PartyDetails {
                    name: (*name).into(),
                    email: Some(format!("sales{i}@vendor.example")),
                    phone: None,
                    language: None,
                },
                currency_id: usd.id,
                payment_terms_id: Some(net30.id),
                tax_group: Some("DOMESTIC".into()),
            },
        )
        .await?;
        parties::create_contact(
            db,
            cid,
            Owner::Vendor(v.id),
            NewContact {
                details: PartyDetails {
                    name: format!("{} {}", FIRST[i], LAST[i + 3]),
                    email: None,
                    phone: Some("+1 555 0199".into()),
                    language: None,
                },
                title: Some("Account manager".into()),
            },
        )
        .await?;
    }
    relationships(db, cid, usd.id).await?;
    orders(db, cid).await?;
    fulfilment(db, cid, main.id, today).await?;
    Ok((c, true))
}

/// Some of the demo orders shipped and invoiced, so shipping and invoicing screens have data:
/// the orders of PO-4045 and PO-4046 invoiced straight from the order (INV-000001 and 2),
/// PO-4047 shipped and then invoiced from its packing slip (INV-000003), PO-4048 partly
/// shipped (its first line) and not invoiced.
async fn fulfilment(
    db: &impl ConnectionTrait,
    cid: i64,
    warehouse_id: i64,
    date: chrono::NaiveDate,
) -> ServiceResult<()> {
    use crate::sales::{self, invoicing, shipping};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let by_reference = |n: usize| {
        sales::sales_order::Entity::find()
            .filter(sales::sales_order::Column::CompanyId.eq(cid))
            .filter(sales::sales_order::Column::CustomerReference.eq(format!("PO-{}", 4000 + n)))
            .one(db)
    };
    let invoice = |source| invoicing::InvoiceRequest {
        source,
        invoice_date: date,
        warehouse_id: Some(warehouse_id),
        idempotency_key: None,
    };
    for n in [45, 46] {
        if let Some(o) = by_reference(n).await? {
            invoicing::post_invoice(
                db,
                cid,
                &invoice(invoicing::InvoiceSource::Orders(vec![o.id])),
                None,
            )
            .await?;
        }
    }
    if let Some(o) = by_reference(47).await? {
        let (_, ps) = shipping::post_packing_slip(
            db,
            cid,
            &shipping::Shipment {
                order_id: o.id,
                warehouse_id,
                ship_date: date,
                lines: None,
                idempotency_key: None,
            },
        )
        .await?;
        invoicing::post_invoice(
            db,
            cid,
            &invoice(invoicing::InvoiceSource::PackingSlips(vec![ps.id])),
            None,
        )
        .await?;
    }
    if let Some(o) = by_reference(48).await? {
        let lines = sales::lines_of(db, &[o.id]).await?;
        if let Some(first) = lines.first() {
            shipping::post_packing_slip(
                db,
                cid,
                &shipping::Shipment {
                    order_id: o.id,
                    warehouse_id,
                    ship_date: date,
                    lines: Some(vec![shipping::ShipLine {
                        line_id: first.id,
                        quantity: first.quantity.value(),
                    }]),
                    idempotency_key: None,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The tax setup: DOMESTIC customers × STD, RED and ZERO items (before any customer names
/// the DOMESTIC tax group).
async fn tax_setup(db: &impl ConnectionTrait, cid: i64) -> ServiceResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    for (item_group, code) in [("STD", "STD"), ("RED", "RED"), ("ZERO", "ZERO")] {
        let Some(tc) = setup::tax_code::Entity::find()
            .filter(setup::tax_code::Column::CompanyId.eq(cid))
            .filter(setup::tax_code::Column::Code.eq(code))
            .one(db)
            .await?
        else {
            continue;
        };
        crate::sales::set_tax_setup(db, cid, "DOMESTIC", item_group, tc.id).await?;
    }
    Ok(())
}

/// Fifty open sales orders of three lines each, so order screens (and the order list load
/// test) have data.
async fn orders(db: &impl ConnectionTrait, cid: i64) -> ServiceResult<()> {
    add_orders(db, cid, 0, 50).await
}

/// Adds demo orders (through [`add_orders`]) until the company has `target`, a hundred per
/// write transaction; returns how many it added. `mercator seed --demo --orders N` uses it to
/// make the benchmarks' data (docs/performance.md).
pub async fn top_up_orders(
    db: &crate::db::Db,
    company_id: i64,
    target: usize,
) -> ServiceResult<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let have = crate::sales::sales_order::Entity::find()
        .filter(crate::sales::sales_order::Column::CompanyId.eq(company_id))
        .count(&db.conn)
        .await? as usize;
    let mut next = have;
    while next < target {
        let n = (target - next).min(100);
        let txn = db.begin_write().await?;
        if let Err(e) = add_orders(&txn, company_id, next, n).await {
            txn.rollback().await?;
            return Err(e);
        }
        txn.commit().await?;
        next += n;
    }
    Ok(next - have)
}

/// Invoices open demo orders (from the order: what is left ships from the MAIN warehouse in
/// the same posting, as any order invoice does), one posting each through the order change
/// use case (so the order type's rules are asked), until the
/// company has `target` invoices; returns how many it posted. An order that cannot be invoiced
/// (on hold, short of stock) is passed over. `mercator seed --demo --invoices N` uses it for
/// the invoice list's load test.
pub async fn top_up_invoices(
    db: &crate::db::Db,
    company_id: i64,
    target: usize,
) -> ServiceResult<usize> {
    use crate::sales::{self, invoicing};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let have = sales::customer_invoice::Entity::find()
        .filter(sales::customer_invoice::Column::CompanyId.eq(company_id))
        .count(&db.conn)
        .await? as usize;
    let Some(main) = inventory::warehouse::Entity::find()
        .filter(inventory::warehouse::Column::CompanyId.eq(company_id))
        .filter(inventory::warehouse::Column::Code.eq("MAIN"))
        .one(&db.conn)
        .await?
    else {
        return Ok(0);
    };
    let open: Vec<i64> = sales::sales_order::Entity::find()
        .filter(sales::sales_order::Column::CompanyId.eq(company_id))
        .filter(sales::sales_order::Column::Status.eq(sales::OrderStatus::OpenOrder))
        .order_by_asc(sales::sales_order::Column::Id)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let today = Utc::now().date_naive();
    let registry = crate::extension::registry::Registry::builtin();
    let mut posted = 0;
    for id in &open {
        if have + posted >= target {
            break;
        }
        {
            let r = sales::change::change_orders(
                db,
                &registry,
                company_id,
                sales::change::Change::Invoice {
                    request: invoicing::InvoiceRequest {
                        source: invoicing::InvoiceSource::Orders(vec![*id]),
                        invoice_date: today,
                        warehouse_id: Some(main.id),
                        idempotency_key: None,
                    },
                },
            )
            .await;
            match r {
                Ok(_) => posted += 1,
                Err(ServiceError::Invalid(_) | ServiceError::Extension(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(posted)
}

/// Orders `from..from + count` of the demo pattern, in the caller's transaction: customers
/// and items taken in turn, three lines each, quantities 1 to 9, customer reference
/// `PO-<4000 + n>`. `mercator seed --demo --orders N` tops the demo company up with it (load
/// tests measure lists of thousands of orders).
pub async fn add_orders(
    db: &impl ConnectionTrait,
    cid: i64,
    from: usize,
    count: usize,
) -> ServiceResult<()> {
    use crate::sales;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    // Customers and items that can be ordered today (a user may have blocked or archived some).
    let customers = parties::customer::Entity::find()
        .filter(parties::customer::Column::CompanyId.eq(cid))
        .filter(parties::customer::Column::Blocked.eq(parties::Blocked::No))
        .filter(parties::customer::Column::ArchivedAt.is_null())
        .order_by_asc(parties::customer::Column::Id)
        .all(db)
        .await?;
    let items = catalog::item::Entity::find()
        .filter(catalog::item::Column::CompanyId.eq(cid))
        .filter(catalog::item::Column::ArchivedAt.is_null())
        .order_by_asc(catalog::item::Column::Id)
        .all(db)
        .await?;
    if items.len() < 3 || customers.is_empty() {
        return Ok(());
    }
    let registry = crate::extension::registry::Registry::builtin();
    for n in from..from + count {
        let c = &customers[n % customers.len()];
        let lines = (0..3)
            .map(|k| sales::NewOrderLine {
                item_id: items[(n * 3 + k) % items.len()].id,
                quantity: Decimal::from((n % 7 + 1 + k) as i64),
                unit_id: None,
                unit_price: None,
                discount_percent: None,
                description: None,
            })
            .collect();
        sales::create_order(
            db,
            &registry,
            cid,
            sales::NewOrder {
                order_type: crate::extension::builtin::SALES.into(),
                customer_id: c.id,
                order_date: None,
                requested_ship_date: None,
                customer_reference: Some(format!("PO-{}", 4000 + n)),
                attributes: None,
                lines,
                idempotency_key: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Prospects, a sales cycle, a running e-mail campaign with responses, a lead, opportunities
/// and interactions, so the relationship screens have something to show.
async fn relationships(db: &impl ConnectionTrait, cid: i64, usd: i64) -> ServiceResult<()> {
    use crate::crm::{self, CampaignKind, CampaignStatus, NewCampaign, NewStage, Response};
    let (cycle, _) = crm::create_sales_cycle(
        db,
        cid,
        "STD".into(),
        "Standard sales cycle".into(),
        [
            ("Qualification", 10, 10, false, true),
            ("Needs analysis", 30, 25, false, true),
            ("Proposal", 60, 50, true, false),
            ("Negotiation", 85, 75, true, false),
        ]
        .into_iter()
        .map(|(name, done, chance, quote, skip)| NewStage {
            name: name.into(),
            completed_percent: d(done, 0),
            chance_percent: d(chance, 0),
            quote_required: quote,
            allow_skip: skip,
        })
        .collect(),
    )
    .await?;
    let mut prospect_parties = Vec::new();
    for (i, (name, city, country, segment)) in [
        ("Fabrikam Inc.", "Seattle", "US", "SMB"),
        ("Litware GmbH", "Munich", "DE", "ENT"),
        ("Wide World Importers", "Chicago", "US", "ENT"),
        ("Proseware AG", "Basel", "CH", "SMB"),
    ]
    .into_iter()
    .enumerate()
    {
        let p = crm::create_prospect(
            db,
            cid,
            crm::NewProspect {
                number: None,
                party_id: None,
                party: Some(crm::NewParty {
                    kind: PartyKind::Organization,
                    details: PartyDetails {
                        name: name.into(),
                        email: Some(format!("info{i}@prospect.example")),
                        phone: None,
                        language: Some(if country == "DE" { "de" } else { "en" }.into()),
                    },
                    addresses: vec![NewAddress {
                        code: "MAIN".into(),
                        purposes: vec![AddressPurpose::Business],
                        street: format!("{} Market Street", 10 + i),
                        street2: None,
                        city: city.into(),
                        postal_code: None,
                        region: None,
                        country_code: country.into(),
                    }],
                }),
                salesperson: Some("JANE".into()),
                segment: Some(segment.into()),
            },
        )
        .await?;
        prospect_parties.push(p.party_id);
    }
    let cmp = crm::create_campaign(
        db,
        cid,
        NewCampaign {
            number: None,
            name: "Spring product launch".into(),
            kind: CampaignKind::Email,
            start_date: Some(Utc::now().date_naive()),
            end_date: None,
            follow_up_date: None,
            owner: Some("JANE".into()),
            budget: d(5000, 0),
            cost: d(1200, 0),
            target_description: Some("All prospects and retail customers".into()),
            parent_campaign_id: None,
        },
    )
    .await?;
    crm::select_targets(
        db,
        cid,
        cmp.id,
        &crm::TargetSelection {
            prospects: true,
            customers: true,
            customer_group: Some("RETAIL".into()),
            ..Default::default()
        },
    )
    .await?;
    crm::set_campaign_status(db, cid, cmp.id, CampaignStatus::Active).await?;
    crm::mark_sent(db, cid, cmp.id, Utc::now().date_naive()).await?;
    for (party, response) in [
        (prospect_parties[0], Response::Positive),
        (prospect_parties[1], Response::Negative),
        (prospect_parties[2], Response::Positive),
    ] {
        crm::record_response(
            db,
            cid,
            crm::NewResponse {
                campaign_id: cmp.id,
                party_id: party,
                response,
                response_code: None,
                responded_on: None,
                follow_up_date: None,
            },
        )
        .await?;
    }
    let target = crm::list_targets(
        db,
        cid,
        cmp.id,
        &crm::TargetFilter {
            response: Some(Response::Positive),
            sent: None,
        },
        &crate::paging::PageArgs {
            first: Some(2),
            ..Default::default()
        },
    )
    .await?;
    if let Some((_, t)) = target.items.first() {
        crm::generate_lead(db, cid, t.id, None, None).await?;
    }
    if let Some((_, t)) = target.items.get(1) {
        crm::generate_opportunity(
            db,
            cid,
            t.id,
            crm::NewOpportunity {
                subject: "Warehouse fit-out".into(),
                sales_cycle_id: Some(cycle.id),
                estimated_value: d(24000, 0),
                currency_id: usd,
                salesperson: Some("JANE".into()),
                ..Default::default()
            },
        )
        .await?;
    }
    crm::log_interaction(
        db,
        cid,
        crm::NewInteraction {
            party_id: prospect_parties[0],
            contact_person_id: None,
            campaign_id: Some(cmp.id),
            lead_id: None,
            opportunity_id: None,
            kind: crm::InteractionKind::Call,
            direction: crm::Direction::Outbound,
            subject: "Follow-up call after the launch mail".into(),
            occurred_at: None,
            salesperson: Some("JANE".into()),
            cost: d(2, 0),
            duration_minutes: 12,
            follow_up_on: Some(Utc::now().date_naive() + chrono::Days::new(7)),
        },
    )
    .await?;
    Ok(())
}
