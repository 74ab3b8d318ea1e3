//! API tokens: created with roles and the companies they may act in, stored as SHA-256 hashes.
//!
//! Owns: token generation (32 random bytes), verification, revocation, and [`Principal`], the
//! answer to "who is calling and what may they do".
//! Must never: store or log a token in plain text; only its hash and a short prefix are kept.

mod entities;
pub use entities::{api_token, api_token_company};

use crate::error::{Rule, ServiceError, ServiceResult, Violation};
use crate::setup::company;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};
use std::collections::BTreeSet;

/// What a token may do. Every role may read; `Admin` may do everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Read only.
    Viewer,
    /// Create and change master data and draft documents.
    Clerk,
    /// Post documents (ship, invoice, credit, pay).
    Poster,
    /// Approve or reject documents waiting for approval.
    Approver,
    /// Everything, including setup (companies, currencies, tax codes, sequences) and merges.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Viewer,
        Role::Clerk,
        Role::Poster,
        Role::Approver,
        Role::Admin,
    ];

    /// The lower-case name used in the CLI and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Clerk => "clerk",
            Role::Poster => "poster",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    /// Parses a lower-case role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// The caller of a request, as established from its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Token id.
    pub token_id: i64,
    /// Token name.
    pub name: String,
    /// Roles.
    pub roles: BTreeSet<Role>,
    /// May act in every company.
    pub all_companies: bool,
    /// Companies it may act in (when not all).
    pub company_ids: BTreeSet<i64>,
    /// Largest query cost allowed, when it differs from the server default.
    pub max_query_cost: Option<i32>,
}

impl Principal {
    /// True when the token holds the role, or is admin.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&Role::Admin) || self.roles.contains(&role)
    }
    /// True when the token may act in the company.
    pub fn may_act_in(&self, company_id: i64) -> bool {
        self.all_companies || self.company_ids.contains(&company_id)
    }
}

/// SHA-256 of a token, hex.
pub fn hash_token(token: &str) -> String {
    crate::digest::sha256_hex(token.as_bytes())
}

fn random_token() -> ServiceResult<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf)
        .map_err(|e| ServiceError::Db(DbErr::Custom(format!("no randomness: {e}"))))?;
    Ok(format!("mrc_{}", crate::digest::hex(&buf)))
}

/// Input of [`create_token`].
#[derive(Debug, Clone)]
pub struct NewToken {
    /// A name to recognise it by.
    pub name: String,
    /// Roles; at least one.
    pub roles: Vec<Role>,
    /// Codes of the companies it may act in.
    pub companies: Vec<String>,
    /// May act in every company, present and future.
    pub all_companies: bool,
    /// Override of the server's query cost budget.
    pub max_query_cost: Option<i32>,
}

/// Creates a token and returns it in plain text; this is the only time it is visible.
pub async fn create_token(
    db: &impl ConnectionTrait,
    input: NewToken,
) -> ServiceResult<(api_token::Model, String)> {
    if input.roles.is_empty() {
        return Err(
            Violation::new("roles", Rule::Required, "a token needs at least one role").into(),
        );
    }
    if !input.all_companies && input.companies.is_empty() {
        return Err(Violation::new(
            "companies",
            Rule::Required,
            "name at least one company, or allow all companies",
        )
        .into());
    }
    let name = crate::validate::name("name", &input.name, crate::validate::MAX_NAME)?;
    let mut company_ids = Vec::new();
    for code in &input.companies {
        let Some(c) = company::Entity::find()
            .filter(company::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
        else {
            return Err(Violation::new(
                "companies",
                Rule::NotFound,
                format!("company {code} not found"),
            )
            .into());
        };
        company_ids.push(c.id);
    }
    let token = random_token()?;
    let roles: BTreeSet<Role> = input.roles.into_iter().collect();
    let row = api_token::ActiveModel {
        name: Set(name),
        token_hash: Set(hash_token(&token)),
        token_prefix: Set(token.chars().take(12).collect()),
        roles: Set(roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        all_companies: Set(input.all_companies),
        max_query_cost: Set(input.max_query_cost),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for cid in company_ids {
        api_token_company::ActiveModel {
            token_id: Set(row.id),
            company_id: Set(cid),
        }
        .insert(db)
        .await?;
    }
    Ok((row, token))
}

/// Finds the principal of a plain-text token; `None` for an unknown or revoked token.
pub async fn verify(db: &impl ConnectionTrait, token: &str) -> ServiceResult<Option<Principal>> {
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_token(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let companies = api_token_company::Entity::find()
        .filter(api_token_company::Column::TokenId.eq(row.id))
        .all(db)
        .await?;
    Ok(Some(Principal {
        token_id: row.id,
        name: row.name.clone(),
        roles: row.roles.split(',').filter_map(Role::parse).collect(),
        all_companies: row.all_companies,
        company_ids: companies.into_iter().map(|c| c.company_id).collect(),
        max_query_cost: row.max_query_cost,
    }))
}

/// A token as listed: never the token itself.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// The stored row.
    pub token: api_token::Model,
    /// Codes of its companies.
    pub companies: Vec<String>,
}

/// Every token, newest first.
pub async fn list_tokens(db: &impl ConnectionTrait) -> ServiceResult<Vec<TokenInfo>> {
    let tokens = api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?;
    let links = api_token_company::Entity::find().all(db).await?;
    let companies = company::Entity::find().all(db).await?;
    Ok(tokens
        .into_iter()
        .map(|t| TokenInfo {
            companies: links
                .iter()
                .filter(|l| l.token_id == t.id)
                .filter_map(|l| {
                    companies
                        .iter()
                        .find(|c| c.id == l.company_id)
                        .map(|c| c.code.clone())
                })
                .collect(),
            token: t,
        })
        .collect())
}

/// Revokes a token by id or by its shown prefix. Returns the rows revoked now (a token
/// revoked before keeps its revocation time; if every match was, that is a refusal).
pub async fn revoke(
    db: &impl ConnectionTrait,
    id_or_prefix: &str,
) -> ServiceResult<Vec<api_token::Model>> {
    let rows = match id_or_prefix.parse::<i64>() {
        Ok(id) => api_token::Entity::find_by_id(id).all(db).await?,
        Err(_) => {
            api_token::Entity::find()
                .filter(api_token::Column::TokenPrefix.eq(id_or_prefix))
                .all(db)
                .await?
        }
    };
    if rows.is_empty() {
        return Err(ServiceError::NotFound("token"));
    }
    if rows.iter().all(|r| r.revoked_at.is_some()) {
        return Err(Violation::new(
            "token",
            Rule::IllegalTransition,
            "the token is already revoked",
        )
        .into());
    }
    let mut out = Vec::new();
    for r in rows.into_iter().filter(|r| r.revoked_at.is_none()) {
        let mut am: api_token::ActiveModel = r.into();
        am.revoked_at = Set(Some(Utc::now()));
        out.push(am.update(db).await?);
    }
    Ok(out)
}

/// Revokes every token with this name (used to rotate the demo console token).
pub async fn revoke_by_name(db: &impl ConnectionTrait, name: &str) -> ServiceResult<u64> {
    let res = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(api_token::Column::Name.eq(name))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
