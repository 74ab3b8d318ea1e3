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
