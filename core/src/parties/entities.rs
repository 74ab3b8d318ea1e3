//! Tables of the parties area: parties, addresses, contact persons, customers.

/// The single identity of an organisation or a person.
pub mod party {
    use sea_orm::entity::prelude::*;
    /// A row of `parties`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "parties")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub kind: super::super::PartyKind,
        pub name: String,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub language: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A postal address of a party, with its purposes.
pub mod address {
    use sea_orm::entity::prelude::*;
    /// A row of `addresses`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "addresses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub party_id: i64,
        pub code: String,
        pub for_invoice: bool,
        pub for_delivery: bool,
        pub for_business: bool,
        pub street: String,
        pub street2: Option<String>,
        pub city: String,
        pub postal_code: Option<String>,
        pub region: Option<String>,
        pub country_code: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A person working for an organisation party (customer or vendor).
pub mod contact_person {
    use sea_orm::entity::prelude::*;
    /// A row of `contact_persons`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contact_persons")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub party_id: i64,
        pub employer_party_id: i64,
        pub title: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::party::Entity",
            from = "Column::PartyId",
            to = "super::party::Column::Id"
        )]
        Party,
    }
    impl Related<super::party::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Party.def()
        }
    }
    impl ActiveModelBehavior for ActiveModel {}
}

/// A customer account: the customer role of a party.
pub mod customer {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `customers`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub party_id: i64,
        pub account_number: String,
        pub currency_id: i64,
        pub customer_group: Option<String>,
        pub price_group: Option<String>,
        pub line_discount_group: Option<String>,
        pub payment_terms_id: Option<i64>,
        pub tax_group: Option<String>,
        pub credit_limit: Amount,
        pub mandatory_credit_limit: bool,
        pub blocked: super::super::Blocked,
        pub combine_shipments: bool,
        pub prices_including_tax: bool,
        pub invoice_account_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
        pub invoice_discount_code: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::party::Entity",
            from = "Column::PartyId",
            to = "super::party::Column::Id"
        )]
        Party,
    }
    impl Related<super::party::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Party.def()
        }
    }
    impl ActiveModelBehavior for ActiveModel {}
}
