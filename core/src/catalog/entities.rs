//! Tables of the catalog area: units of measure and items.

/// A unit of measure with its quantity precision.
pub mod unit_of_measure {
    use sea_orm::entity::prelude::*;
    /// A row of `units_of_measure`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "units_of_measure")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub name: String,
        pub decimals: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A sellable item: stocked goods or a service.
pub mod item {
    use crate::money::UnitPrice;
    use sea_orm::entity::prelude::*;
    /// A row of `items`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub name: String,
        pub kind: super::super::ItemKind,
        pub base_unit_id: i64,
        pub base_sales_price: UnitPrice,
        pub unit_cost: UnitPrice,
        pub item_group: Option<String>,
        pub tax_group: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
