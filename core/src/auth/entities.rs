//! Tables of API tokens.

/// An API token (stored hashed).
pub mod api_token {
    use sea_orm::entity::prelude::*;
    /// A row of `api_tokens`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub token_hash: String,
        pub token_prefix: String,
        pub roles: String,
        pub all_companies: bool,
        pub max_query_cost: Option<i32>,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// The companies a token may act in.
pub mod api_token_company {
    use sea_orm::entity::prelude::*;
    /// A row of `api_token_companies`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_token_companies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub company_id: i64,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
