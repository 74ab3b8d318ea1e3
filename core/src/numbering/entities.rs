//! Table of number sequences.

/// A number sequence of one company and document kind.
pub mod number_sequence {
    use sea_orm::entity::prelude::*;
    /// A row of `number_sequences`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "number_sequences")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub kind: super::super::SequenceKind,
        pub prefix: String,
        pub width: i32,
        pub next_value: i64,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
