//! The pure domain of the CSPM fleet.
//!
//! Everything here takes values and returns values: no clock (callers pass
//! `now`), no I/O, no async. That is what lets the rules about who may do what,
//! and at what quota cost, be tested exhaustively without servers.
//!
//! - [`tenant`]: sites and tenants, `(site, account_id)`, validated.
//! - [`authorization`]: the service-linked role record `AliyunServiceRoleForSasCspm`.
//! - [`edition`]: Security Center editions and the pay-as-you-go bound edition.
//! - [`billing`]: how CSPM is paid for (none, subscription, pay-as-you-go) and
//!   the purchase / upgrade / unsubscribe / expiry transitions.
//! - [`account`]: one tenant's whole state and the commands that change it.
//! - [`entitlement`]: the single decision (tenant state, operation) → allowed or refused.
//! - [`recommendation`]: how much quota to buy.
//! - [`error`]: stable error codes shared by every API.

pub mod account;
pub mod authorization;
pub mod billing;
pub mod edition;
pub mod entitlement;
pub mod error;
pub mod recommendation;
pub mod tenant;

pub use account::{Account, AccountCommand, AccountEvent};
pub use error::{DomainError, ErrorCode};
pub use tenant::{AccountId, Site, TenantId};
