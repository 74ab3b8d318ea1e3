//! Tables of the purchasing area (as far as the sales side needs them): vendors.

/// A vendor account: the vendor role of a party.
pub mod vendor {
    use sea_orm::entity::prelude::*;
    /// A row of `vendors`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vendors")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub party_id: i64,
        pub account_number: String,
        pub currency_id: i64,
        pub payment_terms_id: Option<i64>,
        pub tax_group: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::parties::party::Entity",
            from = "Column::PartyId",
            to = "crate::parties::party::Column::Id"
        )]
        Party,
    }
    impl Related<crate::parties::party::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Party.def()
        }
    }
    impl ActiveModelBehavior for ActiveModel {}
}
