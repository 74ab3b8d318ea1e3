//! Tables of the inventory area: warehouses and the item ledger.

/// A warehouse (inventory location).
pub mod warehouse {
    use sea_orm::entity::prelude::*;
    /// A row of `warehouses`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "warehouses")]
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
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// One movement of an item in a warehouse. On-hand is the sum of these; they are never edited.
pub mod item_ledger_entry {
    use crate::money::Quantity;
    use sea_orm::entity::prelude::*;
    /// A row of `item_ledger_entries`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "item_ledger_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub item_id: i64,
        pub warehouse_id: i64,
        pub entry_type: super::super::EntryType,
        pub quantity: Quantity,
        pub posting_date: Date,
        pub reason: Option<String>,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
