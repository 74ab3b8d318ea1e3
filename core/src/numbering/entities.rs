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
        /// How many numbers were drawn.
        pub draws: i64,
        /// The posting date of the last number drawn with a date ([`super::next_dated_number`]).
        pub last_date: Option<Date>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
