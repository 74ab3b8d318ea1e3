//! The embedded SQLite build.

use mercator_tests::TestApp;

#[tokio::test]
async fn sqlite_is_built_with_the_query_planner_stability_guarantee() {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let app = TestApp::start().await;
    if app.db.backend() != DatabaseBackend::Sqlite {
        return; // PostgreSQL has no such option
    }
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT sqlite_compileoption_used('ENABLE_QPSG') AS q",
        ))
        .await
        .unwrap()
        .unwrap();
    let used: i64 = row.try_get("", "q").unwrap();
    assert_eq!(
        used, 1,
        "build with LIBSQLITE3_FLAGS from .cargo/config.toml"
    );
}

/// The SQLite read path (core/src/reads.rs) decodes rows itself; on the demo data it must give
/// exactly what SeaORM gives for whole models of every column kind (dates, timestamps, enums,
/// booleans, scaled decimals, nulls) and for the narrow list rows. On PostgreSQL SeaORM runs
/// the statement and the same declarations decode each row by position: that must give
/// exactly what SeaORM's decoding by column name gives.
#[tokio::test]
async fn the_sqlite_read_path_reads_what_seaorm_reads() {
    use mercator_core::catalog::item;
    use mercator_core::paging::PageArgs;
    use mercator_core::parties::{self, CustomerFilter, CustomerSort, address, customer, party};
    use mercator_core::reads::Read;
    use mercator_core::sales::{self, sales_order, sales_order_line};
    use mercator_core::setup::currency;
    use sea_orm::{DatabaseBackend, EntityTrait};
    let app = TestApp::start().await;
    let (company, _) = mercator_core::demo::seed(&app.db.conn).await.unwrap();
    let fast = &app.db;
    let slow = &app.db.conn;
    if app.db.backend() == DatabaseBackend::Sqlite {
        assert!(
            fast.sqlite_reads.is_some(),
            "a SQLite file gets the read path"
        );
    }
    let ran = || {
        fast.sqlite_reads.as_ref().map_or(0, |r| r.statements())
            + fast
                .stats
                .by_position
                .load(std::sync::atomic::Ordering::Relaxed)
    };
    let sqlite = app.db.backend() == DatabaseBackend::Sqlite;
    macro_rules! same {
        ($e:ty) => {{
            let before = ran();
            let a = fast.select_all(<$e>::find()).await.unwrap();
            if sqlite {
                // decoded on the read path, not after a fall-back to SeaORM
                assert_eq!(ran() - before, 1, "{} on the read path", stringify!($e));
            }
            let b = <$e>::find().all(slow).await.unwrap();
            assert!(!a.is_empty(), "demo data has {}", stringify!($e));
            assert_eq!(a, b, "{}", stringify!($e));
        }};
    }
    same!(sales_order::Entity);
    same!(sales_order_line::Entity);
    same!(item::Entity);
    same!(customer::Entity);
    same!(party::Entity);
    same!(address::Entity);
    same!(currency::Entity);

    let before = ran();
    let args = PageArgs {
        first: Some(100),
        ..Default::default()
    };
    let f = CustomerFilter::default();
    let a = parties::list_customers(fast, company.id, &f, CustomerSort::Name, false, &args)
        .await
        .unwrap();
    let b = parties::list_customers(slow, company.id, &f, CustomerSort::Name, false, &args)
        .await
        .unwrap();
    assert!(!a.items.is_empty());
    assert_eq!(a.items, b.items);
    let party_ids: Vec<i64> = a.items.iter().map(|(_, (c, _))| c.party_id).collect();
    let ca = parties::contacts_of(fast, &party_ids).await.unwrap();
    let cb = parties::contacts_of(slow, &party_ids).await.unwrap();
    assert!(!ca.is_empty());
    assert_eq!(ca, cb);
    let of = sales::OrderFilter::default();
    let oa = sales::list_orders(fast, company.id, &of, Default::default(), true, &args)
        .await
        .unwrap();
    let ob = sales::list_orders(slow, company.id, &of, Default::default(), true, &args)
        .await
        .unwrap();
    assert_eq!(oa.items, ob.items);
    assert_eq!(
        (oa.has_next, oa.has_previous),
        (ob.has_next, ob.has_previous)
    );
    // the counts of both lists (`totalCount`), the same on both paths and as many as the rows
    let (n_orders, n_customers) = (
        sales::count_orders(fast, company.id, &of).await.unwrap(),
        parties::count_customers(fast, company.id, &f)
            .await
            .unwrap(),
    );
    assert_eq!(
        (n_orders, n_customers),
        (
            sales::count_orders(slow, company.id, &of).await.unwrap(),
            parties::count_customers(slow, company.id, &f)
                .await
                .unwrap(),
        )
    );
    assert_eq!(
        n_orders,
        sales_order::Entity::find().all(slow).await.unwrap().len() as u64
    );
    assert_eq!(
        n_customers,
        customer::Entity::find().all(slow).await.unwrap().len() as u64
    );
    // the customer page, its contacts, the order page and the two counts: none fell back to
    // SeaORM's decoding by column name (on PostgreSQL: all five decoded by position)
    assert_eq!(ran() - before, 5, "statements on the read path");

    // A filter binding a timestamp, which the SQLite path leaves to sqlx: SeaORM runs it and
    // the rows are decoded by position, on both engines, to what SeaORM's own decoding gives.
    let by_position = || {
        fast.stats
            .by_position
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let before = by_position();
    let tf = sales::OrderFilter {
        updated_since: Some(chrono::Utc::now() - chrono::Duration::days(3650)),
        ..Default::default()
    };
    let ta = sales::list_orders(fast, company.id, &tf, Default::default(), true, &args)
        .await
        .unwrap();
    let tb = sales::list_orders(slow, company.id, &tf, Default::default(), true, &args)
        .await
        .unwrap();
    assert!(!ta.items.is_empty());
    assert_eq!(ta.items, tb.items);
    assert_eq!(
        ta.items, oa.items,
        "every demo order was changed in the last ten years"
    );
    assert_eq!(
        by_position() - before,
        1,
        "the timestamp filter decoded by position"
    );
}

/// Objects answered in place (api/src/graphql/leaves.rs) answer exactly what the ordinary path
/// answers. A fragment on the `Node` interface sends the same objects the ordinary way; both
/// answers must be identical, field for field and in the same order, on the demo data (orders
/// with their customers, lines, items and amounts; customers with contacts), for every field
/// of those types the schema has without arguments (read by introspection).
#[tokio::test]
async fn leaf_objects_answer_exactly_what_the_ordinary_path_answers() {
    use mercator_core::auth::Role;
    let app = TestApp::start().await;
    mercator_core::demo::seed(&app.db.conn).await.unwrap();
    let token = app.token(&[Role::Viewer], &["DEMO"]).await;
    let c = app.root().with_token(&token).in_company("DEMO");
    // Every field without arguments whose type is a scalar, an enum or Money, as the schema
    // declares them today: a field added to one of these types is compared too.
    let plain = |ty: &'static str| {
        let c = &c;
        async move {
            let d = c
                .ok(
                    "query($t: String!) { __type(name: $t) { fields { name args { name } \
                     type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }",
                    serde_json::json!({"t": ty}),
                )
                .await;
            let mut out = vec!["__typename".to_owned()];
            for f in d["__type"]["fields"].as_array().unwrap() {
                if !f["args"].as_array().unwrap().is_empty() {
                    continue;
                }
                let mut t = &f["type"];
                while t["kind"] == "NON_NULL" || t["kind"] == "LIST" {
                    t = &t["ofType"];
                }
                let name = f["name"].as_str().unwrap();
                match (t["kind"].as_str().unwrap(), t["name"].as_str().unwrap()) {
                    ("SCALAR" | "ENUM", _) => out.push(name.to_owned()),
                    ("OBJECT", "Money") => out.push(format!("{name} {{ amount currency }}")),
                    _ => {}
                }
            }
            assert!(out.len() > 4, "{ty}: {out:?}");
            out.join(" ")
        }
    };
    let item = plain("Item").await;
    let customer = plain("Customer").await;
    let contact = plain("ContactPerson").await;
    let order = plain("SalesOrder").await;
    let line = plain("SalesOrderLine").await;
    // Every plain field of orders, lines, customers, contacts, items and amounts, once with no
    // fragment (the leaves answer in place) and once with a fragment on an interface at the
    // end of every object (the ordinary resolvers answer; its `id` merges into the `id`
    // already selected): the two answers must be the same text, key order included.
    let orders = |extra: &str| {
        format!(
            "{{ salesOrders(first: 20) {{ nodes {{ {order} \
             customer {{ {customer} {extra} }} \
             invoiceCustomer {{ ... on Customer {{ {customer} }} }} \
             lines {{ {line} l2: lineAmount {{ a2: amount }} \
             item {{ {item} n2: name {extra} }} unit {{ code }} {extra} }} \
             n2: number {extra} }} }} }}"
        )
    };
    let customers = |extra: &str| {
        format!(
            "{{ customers(first: 20) {{ nodes {{ {customer} a2: accountNumber {extra} \
             contacts {{ {contact} {extra} }} }} }} }}"
        )
    };
    // The answers are compared as values; async-graphql's ordinary resolution of a
    // (non-serial) object places a field that waited (a customer's `balance`) where it
    // completes, so the key order is checked on the answer in place only, below.
    let node = "... on Node { id }";
    let order_keys: Vec<String> = order
        .split_whitespace()
        .filter(|w| w.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
        .map(str::to_owned)
        .collect();
    for (fast, ordinary) in [(orders(""), orders(node)), (customers(""), customers(node))] {
        let (status_a, a) = c.post_text(&fast, serde_json::json!({})).await;
        let (status_b, b) = c.post_text(&ordinary, serde_json::json!({})).await;
        assert_eq!((status_a, status_b), (200, 200));
        assert!(!a.contains("\"errors\""), "{a}");
        // The data, not the cost in `extensions` (the fragments cost more).
        let value = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["data"].take();
        assert_eq!(value(&a), value(&b));
        assert!(a.len() > 2_000, "the demo data answered: {a}");
    }
    // In place, an order's fields come in selection order (Money sub-selections included).
    let (_, a) = c.post_text(&orders(""), serde_json::json!({})).await;
    let first = &a[..a.find("\"customer\":").unwrap()];
    let at: Vec<usize> = order_keys
        .iter()
        .filter(|k| k.as_str() != "amount" && k.as_str() != "currency")
        .map(|k| {
            first
                .find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} in {first}"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "{order_keys:?}: {first}"
    );
}
