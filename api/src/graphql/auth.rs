//! The caller: who is asking (`viewer`), and revoking API tokens.

use super::enums::{self};
use super::errors::ErrorCode;
use super::setup::Company;
use super::{db, rc, read, write};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::{Principal, Role};
use mercator_core::setup::{self, company};
use std::sync::Arc;

/// The caller: the token's name, roles and companies.
pub struct Viewer(
    pub Principal,
    pub Vec<company::Model>,
    pub Option<company::Model>,
);

/// The caller: the token's name, roles and companies.
#[Object]
impl Viewer {
    /// Name of the token.
    async fn token_name(&self) -> &str {
        &self.0.name
    }
    /// Roles of the token.
    async fn roles(&self) -> Vec<enums::Role> {
        self.0.roles.iter().map(|r| (*r).into()).collect()
    }
    /// The token may act in every company.
    async fn all_companies(&self) -> bool {
        self.0.all_companies
    }
    /// Companies the token may act in.
    async fn companies(&self) -> Vec<Company> {
        self.1.iter().cloned().map(Company).collect()
    }
    /// The company this request acts in, if one was chosen.
    async fn company(&self) -> Option<Company> {
        self.2.clone().map(Company)
    }
    /// Largest query cost this token may spend per request.
    async fn query_cost_budget(&self, ctx: &Context<'_>) -> i32 {
        ctx.data_opt::<super::extension::Budget>()
            .map(|b| b.max_cost as i32)
            .unwrap_or(0)
    }
}

/// Queries about the caller.
#[derive(Default)]
pub struct AuthQuery;

/// Queries about the caller.
#[Object]
impl AuthQuery {
    /// The caller: token, roles, companies.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        let r = rc(ctx)?;
        let companies = if r.principal.all_companies {
            read(setup::list_companies(&db(ctx)?.conn, None).await).await?
        } else {
            let ids: Vec<i64> = r.principal.company_ids.iter().copied().collect();
            read(setup::list_companies(&db(ctx)?.conn, Some(&ids)).await).await?
        };
        Ok(Viewer(r.principal.clone(), companies, r.company.clone()))
    }
}

/// Input of `apiTokenRevoke`.
#[derive(InputObject)]
pub struct ApiTokenRevokeInput {
    /// The token's id or its shown prefix (`mrc_4f2a…`), as `mercator token list` prints them.
    pub token: String,
}

/// The tokens revoked.
#[derive(SimpleObject)]
pub struct RevokedTokens {
    /// How many tokens were revoked (a prefix may match more than one).
    pub count: i32,
}

payload!(
    ApiTokenRevokePayload,
    revoked,
    RevokedTokens,
    "Result of `apiTokenRevoke`.",
    "The tokens revoked; null when nothing was."
);

/// Mutations of API tokens.
#[derive(Default)]
pub struct AuthMutation;

/// Mutations of API tokens.
#[Object]
impl AuthMutation {
    /// Revokes an API token. It stops working at once on the node that answers this mutation;
    /// other nodes may accept it for up to `limits.token_cache_seconds` more
    /// (docs/operations.md). Needs an admin token that may act in all companies.
    async fn api_token_revoke(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApiTokenRevokeInput,
    ) -> Result<ApiTokenRevokePayload> {
        let r = rc(ctx)?;
        if !(r.principal.has(Role::Admin) && r.principal.all_companies) {
            return Err(ErrorCode::Forbidden
                .error("revoking a token needs an admin token for all companies"));
        }
        let token = input.token;
        let res = write(ctx, "token", async |t| {
            mercator_core::auth::revoke(t, token.trim()).await
        })
        .await?;
        if res.is_ok()
            && let Ok(cache) = ctx.data::<Arc<crate::server::TokenCache>>()
        {
            cache.clear();
        }
        Ok(ApiTokenRevokePayload::done(res.map(|rows| RevokedTokens {
            count: i32::try_from(rows.len()).unwrap_or(i32::MAX),
        })))
    }
}
