//! Security Center editions and what each includes of the baseline check.

use crate::error::DomainError;
use crate::tenant::truncate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    Basic,
    AntiVirus,
    Advanced,
    Enterprise,
    Ultimate,
    ValueAddedPlan,
}

impl Edition {
    pub const ALL: [Edition; 6] = [
        Edition::Basic,
        Edition::AntiVirus,
        Edition::Advanced,
        Edition::Enterprise,
        Edition::Ultimate,
        Edition::ValueAddedPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Basic => "basic",
            Edition::AntiVirus => "anti_virus",
            Edition::Advanced => "advanced",
            Edition::Enterprise => "enterprise",
            Edition::Ultimate => "ultimate",
            Edition::ValueAddedPlan => "value_added_plan",
        }
    }

    /// The baseline families the edition itself includes (at no quota cost).
    /// `None` means the edition includes no baseline check: the tenant needs
    /// CSPM for it. Only advanced, enterprise and ultimate include any, and
    /// whatever they include is also the cap when CSPM is bought as well.
    pub fn included_baselines(self) -> Option<&'static [BaselineFamily]> {
        use BaselineFamily::*;
        match self {
            Edition::Advanced => Some(&[DefaultPolicy, WeakPassword]),
            Edition::Enterprise => Some(&[WeakPassword, DefaultPolicy, BestPractice, Cis]),
            Edition::Ultimate => Some(&BaselineFamily::ALL),
            Edition::Basic | Edition::AntiVirus | Edition::ValueAddedPlan => None,
        }
    }

    /// Editions pay-as-you-go host and container security may bind.
    pub fn can_be_bound(self) -> bool {
        matches!(self, Edition::AntiVirus | Edition::Advanced | Edition::Enterprise | Edition::Ultimate)
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Edition {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Edition::ALL.into_iter().find(|e| e.as_str() == s).ok_or_else(|| {
            DomainError::invalid(format!(
                "unknown edition {:?}: use one of basic, anti_virus, advanced, enterprise, ultimate, value_added_plan",
                truncate(s)
            ))
        })
    }
}

/// The families of baseline check items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineFamily {
    WeakPassword,
    DefaultPolicy,
    BestPractice,
    Cis,
    ContainerSecurity,
}

impl BaselineFamily {
    pub const ALL: [BaselineFamily; 5] = [
        BaselineFamily::WeakPassword,
        BaselineFamily::DefaultPolicy,
        BaselineFamily::BestPractice,
        BaselineFamily::Cis,
        BaselineFamily::ContainerSecurity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BaselineFamily::WeakPassword => "weak_password",
            BaselineFamily::DefaultPolicy => "default_policy",
            BaselineFamily::BestPractice => "best_practice",
            BaselineFamily::Cis => "cis",
            BaselineFamily::ContainerSecurity => "container_security",
        }
    }
}

impl fmt::Display for BaselineFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the tenant holds its Security Center edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "billing", rename_all = "snake_case")]
pub enum EditionPlan {
    /// A subscription edition (`basic` is the free default).
    Subscription { edition: Edition },
    /// Pay-as-you-go host and container security, bound to an edition
    /// (`enterprise` unless changed in Quota Management).
    PayAsYouGo { bound_edition: Edition },
}

impl Default for EditionPlan {
    fn default() -> Self {
        EditionPlan::Subscription { edition: Edition::Basic }
    }
}

impl EditionPlan {
    pub const DEFAULT_BOUND_EDITION: Edition = Edition::Enterprise;

    /// The edition whose entitlements apply.
    pub fn effective_edition(self) -> Edition {
        match self {
            EditionPlan::Subscription { edition } => edition,
            EditionPlan::PayAsYouGo { bound_edition } => bound_edition,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editions_round_trip_through_their_names() {
        for e in Edition::ALL {
            assert_eq!(e.as_str().parse::<Edition>().unwrap(), e);
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(json, format!("\"{}\"", e.as_str()));
        }
        assert!("gold".parse::<Edition>().is_err());
    }

    #[test]
    fn enterprise_includes_everything_but_container_security() {
        let inc = Edition::Enterprise.included_baselines().unwrap();
        assert_eq!(inc.len(), 4);
        assert!(!inc.contains(&BaselineFamily::ContainerSecurity));
    }

    #[test]
    fn only_security_editions_can_be_bound() {
        assert!(!Edition::Basic.can_be_bound());
        assert!(!Edition::ValueAddedPlan.can_be_bound());
        assert!(Edition::Enterprise.can_be_bound());
    }
}
