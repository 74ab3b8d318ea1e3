//! Inventory adjustments and on-hand derived from the item ledger.

use mercator_tests::{TestApp, codes};
use serde_json::json;

#[tokio::test]
async fn on_hand_is_the_sum_of_the_ledger_and_never_negative() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let pcs = c.unit("PCS", 0).await;
    let main = c.warehouse("MAIN").await;
    let east = c.warehouse("EAST").await;
    let a = c.item("A", "25", &pcs).await;
    let adj = |item: &str, wh: &str, q: &str| json!({"itemId": item, "warehouseId": wh, "quantity": q, "postingDate": "2026-11-20", "reason": "count"});
    for (wh, q) in [(&main, "100"), (&main, "-30"), (&east, "12")] {
        let p = c.mutate("inventoryAdjust", "InventoryAdjustInput", "entry { quantity postingDate entryType reason item { number } warehouse { code } }", adj(&a, wh, q)).await;
        assert_eq!(codes(&p), Vec::<String>::new(), "{p}");
        assert_eq!(p["entry"]["postingDate"], "2026-11-20");
        assert_eq!(p["entry"]["entryType"], "ADJUSTMENT");
    }
    let p = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            adj(&a, &east, "-13"),
        )
        .await;
    assert_eq!(codes(&p), ["INSUFFICIENT_STOCK"]);
    let p = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            adj(&a, &east, "1.5"),
        )
        .await;
    assert_eq!(codes(&p), ["PRECISION_EXCEEDED"], "PCS has no decimals");
    let p = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            adj(&a, &east, "0"),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"]);
    let hour = c.unit("HOUR", 2).await;
    let svc = c
        .mutate(
            "itemCreate",
            "ItemCreateInput",
            "item { id }",
            json!({"name": "Svc", "kind": "SERVICE", "baseUnitId": hour, "baseSalesPrice": "1"}),
        )
        .await["item"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            adj(&svc, &main, "1"),
        )
        .await;
    assert_eq!(codes(&p), ["NOT_STOCKED"]);
    c.mutate(
        "archive",
        "ArchiveInput",
        "node { id }",
        json!({"id": east}),
    )
    .await;
    let p = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            adj(&a, &east, "1"),
        )
        .await;
    assert_eq!(codes(&p), ["ARCHIVED"]);

    let d = c.ok("query($id: ID!) { node(id: $id) { ... on Item { onHand inventory { warehouse { code } onHand } } } }", json!({"id": a})).await;
    assert_eq!(
        d["node"],
        json!({"onHand": "82", "inventory": [{"warehouse": {"code": "MAIN"}, "onHand": "70"}, {"warehouse": {"code": "EAST"}, "onHand": "12"}]})
    );
    let d = c.ok("query($w: ID) { itemLedgerEntries(filter: {warehouseId: $w}) { totalCount nodes { quantity } } }", json!({"w": main})).await;
    assert_eq!(
        d["itemLedgerEntries"],
        json!({"totalCount": 2, "nodes": [{"quantity": "-30"}, {"quantity": "100"}]}),
        "newest first"
    );
}

#[tokio::test]
async fn concurrent_removals_never_oversell() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let pcs = c.unit("PCS", 0).await;
    let wh = c.warehouse("MAIN").await;
    let a = c.item("A", "1", &pcs).await;
    c.mutate(
        "inventoryAdjust",
        "InventoryAdjustInput",
        "entry { id }",
        json!({"itemId": a, "warehouseId": wh, "quantity": "10"}),
    )
    .await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        let (a, wh) = (a.clone(), wh.clone());
        tasks.push(async move {
            c.mutate(
                "inventoryAdjust",
                "InventoryAdjustInput",
                "entry { id }",
                json!({"itemId": a, "warehouseId": wh, "quantity": "-3"}),
            )
            .await
        });
    }
    let results = futures_util::future::join_all(tasks).await;
    let ok = results.iter().filter(|p| codes(p).is_empty()).count();
    let refused = results
        .iter()
        .filter(|p| codes(p) == ["INSUFFICIENT_STOCK"])
        .count();
    assert_eq!((ok, refused), (3, 5), "{results:?}");
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Item { onHand } } }",
            json!({"id": a}),
        )
        .await;
    assert_eq!(d["node"]["onHand"], "1");
}
