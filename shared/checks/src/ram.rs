//! RAM: the account password policy, users' MFA, AccessKeys and logons,
//! custom policies granting administrator access.

use crate::item::*;
use cspm_assets::iac::{UNKNOWN_LIST, UNKNOWN_NAME, contains_unknown};
use cspm_assets::{Asset, AssetKind, AssetSpec, LastLogin, PasswordPolicy, RamUser, Slot};
use serde_json::Value;
use std::borrow::Cow;

fn policy(asset: &Asset) -> Option<&PasswordPolicy> {
    match &asset.spec {
        AssetSpec::PasswordPolicy(p) => Some(p),
        _ => None,
    }
}

fn user(asset: &Asset) -> Option<&RamUser> {
    match &asset.spec {
        AssetSpec::RamUser(u) => Some(u),
        _ => None,
    }
}

const fn password_item(
    id: &'static str,
    name: &'static str,
    standards: &'static [&'static str],
    params: &'static [ParamSpec],
    description: &'static str,
    solution: &'static str,
    eval: fn(&Asset, &Context) -> Evaluation,
) -> Check {
    Check {
        meta: CheckMeta {
            id,
            name,
            vendor: "ALIYUN",
            product: "RAM",
            resource_type: AssetKind::PasswordPolicy,
            category: Category::IdentityAuthenticationAndPermissions,
            risk: Risk::Medium,
            free: true,
            fix: FixSupport::FixAndRollback,
            params,
            standards,
            description,
            solution,
        },
        eval: Eval::Code(eval),
    }
}

static MIN_LENGTH: Check = password_item(
    "ram-password-policy-minimum-length",
    "RAM password policy requires a minimum length",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.11"],
    &[ParamSpec { name: "min_length", description: "shortest password allowed", min: 8, max: 32, default: 14 }],
    "Short passwords are guessed quickly. The policy must require at least `min_length` characters.",
    "RAM console > Settings > Security Settings > Modify Password Rule: set Length to at least 14.",
    |a, ctx| {
        let Some(p) = policy(a) else { return Evaluation::missing("the password policy (ram:GetPasswordPolicy)") };
        let Some(len) = p.minimum_length else { return Evaluation::missing("MinimumPasswordLength") };
        let want = ctx.param("min_length");
        Evaluation::from_findings(
            (i64::from(len) < want)
                .then(|| Finding::new("MinimumPasswordLength", len, format!(">= {want}")))
                .into_iter()
                .collect(),
        )
    },
);

static COMPLEXITY: Check = password_item(
    "ram-password-policy-complexity",
    "RAM password policy requires upper and lower case letters, numbers and symbols",
    &[
        "CIS Alibaba Cloud Foundations Benchmark v2.0 1.7",
        "CIS Alibaba Cloud Foundations Benchmark v2.0 1.8",
        "CIS Alibaba Cloud Foundations Benchmark v2.0 1.9",
        "CIS Alibaba Cloud Foundations Benchmark v2.0 1.10",
    ],
    &[],
    "Passwords drawn from all four character classes resist guessing far better.",
    "RAM console > Settings > Security Settings > Modify Password Rule: require uppercase, lowercase, numbers and symbols.",
    |a, _| {
        let Some(p) = policy(a) else { return Evaluation::missing("the password policy (ram:GetPasswordPolicy)") };
        let classes = [
            ("RequireUppercaseCharacters", p.require_uppercase),
            ("RequireLowercaseCharacters", p.require_lowercase),
            ("RequireNumbers", p.require_numbers),
            ("RequireSymbols", p.require_symbols),
        ];
        if let Some((field, _)) = classes.iter().find(|(_, v)| v.is_none()) {
            return Evaluation::missing(field);
        }
        Evaluation::from_findings(
            classes.iter().filter(|(_, v)| *v == Some(false)).map(|(f, _)| Finding::new(*f, false, "true")).collect(),
        )
    },
);

static REUSE: Check = password_item(
    "ram-password-policy-reuse-prevention",
    "RAM password policy prevents password reuse",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.12"],
    &[ParamSpec {
        name: "min_history",
        description: "previous passwords that may not be reused",
        min: 1,
        max: 24,
        default: 5,
    }],
    "A user who cycles back to an old (possibly leaked) password undoes rotation.",
    "RAM console > Settings > Security Settings > Modify Password Rule: set Password History Check Policy to at least 5.",
    |a, ctx| {
        let Some(p) = policy(a) else { return Evaluation::missing("the password policy (ram:GetPasswordPolicy)") };
        let Some(n) = p.reuse_prevention else { return Evaluation::missing("PasswordReusePrevention") };
        let want = ctx.param("min_history");
        Evaluation::from_findings(
            (i64::from(n) < want)
                .then(|| Finding::new("PasswordReusePrevention", n, format!(">= {want}")))
                .into_iter()
                .collect(),
        )
    },
);

static MAX_AGE: Check = password_item(
    "ram-password-policy-max-age",
    "RAM passwords expire within a set number of days",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.13"],
    // Peers disagree (90 days is common); the CIS value is the default.
    &[ParamSpec {
        name: "max_days",
        description: "longest password validity in days",
        min: 1,
        max: 1095,
        default: 365,
    }],
    "Passwords that never expire stay useful to whoever learned them.",
    "RAM console > Settings > Security Settings > Modify Password Rule: set Password Validity Period to 365 days or fewer (90 where your policy asks).",
    |a, ctx| {
        let Some(p) = policy(a) else { return Evaluation::missing("the password policy (ram:GetPasswordPolicy)") };
        let Some(age) = p.max_password_age else { return Evaluation::missing("MaxPasswordAge") };
        let want = ctx.param("max_days");
        let bad = age == 0 || i64::from(age) > want;
        Evaluation::from_findings(
            bad.then(|| Finding::new("MaxPasswordAge", age, format!("1..={want} (0 means never expires)")))
                .into_iter()
                .collect(),
        )
    },
);

static LOGIN_ATTEMPTS: Check = password_item(
    "ram-password-policy-max-login-attempts",
    "RAM locks a user after repeated failed logons",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.14"],
    &[ParamSpec {
        name: "max_attempts",
        description: "failed logons within an hour before locking",
        min: 1,
        max: 32,
        default: 5,
    }],
    "Without a lockout, passwords can be guessed online without limit.",
    "RAM console > Settings > Security Settings > Modify Password Rule: set Password Retry Constraint Policy to 5 or fewer.",
    |a, ctx| {
        let Some(p) = policy(a) else { return Evaluation::missing("the password policy (ram:GetPasswordPolicy)") };
        let Some(n) = p.max_login_attempts else { return Evaluation::missing("MaxLoginAttempts") };
        let want = ctx.param("max_attempts");
        let bad = n == 0 || i64::from(n) > want;
        Evaluation::from_findings(
            bad.then(|| Finding::new("MaxLoginAttempts", n, format!("1..={want} (0 means never locked)")))
                .into_iter()
                .collect(),
        )
    },
);

/// What the RAM user items share; each item names the rest.
const USER_ITEM: CheckMeta =
    base_meta("RAM", AssetKind::RamUser, Category::IdentityAuthenticationAndPermissions, Risk::Low);

static MFA: Check = Check {
    meta: CheckMeta {
        id: "ram-user-mfa-check",
        name: "RAM users with console access have MFA enabled",
        risk: Risk::High,
        free: true,
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.4"],
        description: "A console password alone is one phishing email away from a takeover; MFA adds a second factor.",
        solution: "RAM console > Users > the user > Authentication > Enable the MFA Device (virtual MFA), and require it at logon.",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        match (u.console_login, u.mfa_bound) {
            (Some(false), _) => Evaluation::pass(),
            (None, _) => Evaluation::missing("the login profile (ram:GetLoginProfile)"),
            (Some(true), None) => Evaluation::missing("MFA devices (ram:ListVirtualMFADevices)"),
            (Some(true), Some(true)) => Evaluation::pass(),
            (Some(true), Some(false)) => {
                Evaluation::from_findings(vec![Finding::new("MFADevice", "none", "a bound MFA device")])
            }
        }
    }),
};

static AK_AGE: Check = Check {
    meta: CheckMeta {
        id: "ram-user-ak-create-date-expired-check",
        name: "RAM users' active AccessKeys are rotated",
        risk: Risk::Medium,
        params: &[ParamSpec {
            name: "max_days",
            description: "oldest acceptable active AccessKey, in days",
            min: 1,
            max: 1095,
            default: 90,
        }],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.6"],
        description: "Long-lived AccessKeys accumulate exposure in scripts, images and logs.",
        solution: "Create a new AccessKey for the user, switch every caller to it, then disable and delete the old one.",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, ctx| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        let max = ctx.param("max_days");
        let mut findings = Vec::new();
        let Some(keys) = &u.access_keys else {
            return Evaluation::missing("the user's AccessKeys (ram:ListAccessKeys)");
        };
        let mut undated = false;
        for key in keys.iter().filter(|k| k.active) {
            let Some(created) = key.created_at else {
                undated = true;
                continue;
            };
            let days = (ctx.now - created).num_days();
            if days > max {
                findings.push(Finding::new(
                    format!("AccessKey {}", key.id),
                    format!("{days} days old"),
                    format!("<= {max} days"),
                ));
            }
        }
        // Findings stand; a key without a date leaves the rest undecided.
        if findings.is_empty() && undated {
            if a.source.is_some() {
                return Evaluation::not_check("Unknown: a template's AccessKey is created on deployment");
            }
            return Evaluation::missing("AccessKey CreateDate (ram:ListAccessKeys)");
        }
        Evaluation::from_findings(findings)
    }),
};

static LAST_LOGIN: Check = Check {
    meta: CheckMeta {
        id: "ram-user-last-login-expired-check",
        name: "RAM users with console access have logged on recently",
        params: &[ParamSpec {
            name: "max_days",
            description: "longest acceptable time since the last console logon, in days",
            min: 1,
            max: 1095,
            default: 90,
        }],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.5"],
        description: "A console password nobody uses is an unwatched way in: its owner would not notice it being used.",
        solution: "RAM console > Users > the user > Authentication > Console Logon Management: disable console logon (or delete the user) when it is no longer needed.",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, ctx| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        let max = ctx.param("max_days");
        let stale = |shown: String| {
            Evaluation::from_findings(vec![Finding::new("LastLoginDate", shown, format!("within {max} days"))])
        };
        match (u.console_login, u.last_login) {
            (Some(false), _) => Evaluation::pass(),
            (None, _) => Evaluation::missing("the login profile (ram:GetLoginProfile)"),
            (Some(true), None) => Evaluation::missing("LastLoginDate (ram:GetUser)"),
            (Some(true), Some(LastLogin::At(t))) => match (ctx.now - t).num_days() {
                days if days > max => stale(format!("{days} days ago")),
                _ => Evaluation::pass(),
            },
            // Never logged on: stale once the user was last changed longer ago
            // than the limit (as Cloud Config's rule of the same id does).
            (Some(true), Some(LastLogin::Never)) => match u.updated_at.or(u.created_at) {
                None => Evaluation::missing("UpdateDate (ram:ListUsers)"),
                Some(t) if (ctx.now - t).num_days() > max => {
                    stale(format!("never (user last changed {} days ago)", (ctx.now - t).num_days()))
                }
                Some(_) => Evaluation::pass(),
            },
        }
    }),
};

/// A value or list of values (`"*"` or `["*", ...]`) that includes `*`.
fn includes_wildcard(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => s == "*",
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some("*")),
        _ => false,
    }
}

/// Whether an action (or list of actions) is `*` or a whole product's `svc:*`.
fn product_wide(action: Option<&Value>) -> bool {
    match action {
        Some(Value::String(a)) => a == "*" || a.ends_with(":*"),
        Some(Value::Array(items)) => items.iter().any(|i| product_wide(Some(i))),
        _ => false,
    }
}

/// A policy document's statements (one statement may stand alone).
pub(crate) fn statements(document: &Value) -> Vec<&Value> {
    match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// How many `Allow` statements grant all of a product (or everything) on every resource.
fn product_admin_statements(document: &Value) -> usize {
    statements(document)
        .into_iter()
        .filter(|st| {
            st.get("Effect").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case("allow"))
                && product_wide(st.get("Action"))
                && includes_wildcard(st.get("Resource"))
        })
        .count()
}

/// The `Allow` statements granting every action on every resource.
fn admin_statements(document: &Value) -> Vec<usize> {
    statements(document)
        .into_iter()
        .enumerate()
        .filter(|(_, st)| {
            st.get("Effect").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case("allow"))
                && includes_wildcard(st.get("Action"))
                && includes_wildcard(st.get("Resource"))
        })
        .map(|(i, _)| i)
        .collect()
}

static ADMIN_POLICY: Check = Check {
    meta: CheckMeta {
        id: "ram-policy-no-statements-with-admin-access-check",
        name: "Custom RAM policies do not grant full administrator access",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.15"],
        description: "A custom policy allowing Action * on Resource * is AdministratorAccess under another name: whoever holds it can do anything, including granting themselves more.",
        solution: "Replace the statement with the actions and resources the holders need, or attach the system AdministratorAccess policy to the few who must administer the account.",
        ..base_meta(
            "RAM",
            AssetKind::Other("ACS::RAM::ManagedPolicy"),
            Category::IdentityAuthenticationAndPermissions,
            Risk::High,
        )
    },
    eval: Eval::Code(|a, _| {
        if matches!(a.fields.get("policy_type"), Some(Slot::Known(Value::String(t))) if t == "System") {
            return Evaluation::pass(); // Alibaba's own policies are not the tenant's to fix.
        }
        let document: Cow<Value> = match a.fields.get("policy_document") {
            None | Some(Slot::Unreported) => return Evaluation::missing("PolicyDocument (ram:GetPolicyVersion)"),
            Some(Slot::Unknown) => {
                return Evaluation::not_check("Unknown: PolicyDocument is known only after deployment");
            }
            Some(Slot::Absent) => return Evaluation::pass(),
            Some(Slot::Known(Value::String(text))) => match serde_json::from_str(text) {
                Ok(v) => Cow::Owned(v),
                Err(e) => return Evaluation::error(format!("PolicyDocument is not a JSON policy: {e}")),
            },
            Some(Slot::Known(v)) => Cow::Borrowed(v),
        };
        Evaluation::from_findings(
            admin_statements(&document)
                .into_iter()
                .map(|i| {
                    Finding::new(
                        format!("Statement[{i}]"),
                        "Allow * on *",
                        "no statement allowing every action on every resource",
                    )
                })
                .collect(),
        )
    }),
};

static DIRECT_POLICIES: Check = Check {
    meta: CheckMeta {
        id: "ram-user-no-directly-attached-policy",
        name: "RAM users receive permissions through groups or roles only",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.16"],
        description: "Permissions attached user by user drift apart and outlive the job they were granted for; groups keep them reviewable in one place.",
        solution: "Add the user to a RAM group holding the policy (aliyun ram AddUserToGroup), then detach it from the user (aliyun ram DetachPolicyFromUser).",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        let Some(policies) = &u.direct_policies else {
            return Evaluation::missing("the user's policies (ram:ListPoliciesForUser)");
        };
        Evaluation::from_findings(
            policies.iter().map(|p| Finding::new("Policy", p, "attached to a group or role, not the user")).collect(),
        )
    }),
};

static HAS_PERMISSIONS: Check = Check {
    meta: CheckMeta {
        id: "ram-user-no-policy-check",
        name: "RAM users hold permissions, directly or through a group",
        description: "A user with no policy and no group can do nothing: it is an unused identity whose credentials still work for logon, and a target.",
        solution: "Delete the unused user, or add it to the RAM group whose permissions it needs.",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        match (&u.direct_policies, &u.groups) {
            (None, _) => Evaluation::missing("the user's policies (ram:ListPoliciesForUser)"),
            (Some(p), _) if !p.is_empty() => Evaluation::pass(),
            (Some(_), None) => Evaluation::missing("the user's groups (ram:ListGroupsForUser)"),
            (Some(_), Some(g)) if g.iter().any(|g| g != UNKNOWN_LIST) => Evaluation::pass(),
            (Some(_), Some(g)) if !g.is_empty() => {
                Evaluation::not_check("Unknown: the user's groups are known only after deployment")
            }
            (Some(_), Some(_)) => Evaluation::from_findings(vec![Finding::new(
                "policies and groups",
                "none",
                "a policy attached, or membership of a group",
            )]),
        }
    }),
};

static IN_A_GROUP: Check = Check {
    meta: CheckMeta {
        id: "ram-user-group-membership-check",
        name: "RAM users belong to at least one group",
        description: "Users outside any group carry their permissions one by one, which nobody reviews together.",
        solution: "Add the user to the RAM group for its role (aliyun ram AddUserToGroup) and grant permissions to the group.",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        match &u.groups {
            None => Evaluation::missing("the user's groups (ram:ListGroupsForUser)"),
            Some(g) if g.iter().any(|g| g != UNKNOWN_LIST) => Evaluation::pass(),
            Some(g) if !g.is_empty() => {
                Evaluation::not_check("Unknown: the user's groups are known only after deployment")
            }
            Some(_) => Evaluation::from_findings(vec![Finding::new("groups", "none", "at least one")]),
        }
    }),
};

static ACTIVE_KEYS: Check = Check {
    meta: CheckMeta {
        id: "ram-user-activated-ak-quantity-check",
        name: "RAM users have at most one active AccessKey",
        risk: Risk::Medium,
        params: &[ParamSpec {
            name: "max_active_keys",
            description: "most active AccessKeys a user may have (a second one only while rotating)",
            min: 1,
            max: 2,
            default: 1,
        }],
        description: "Every extra active AccessKey is one more long-lived secret that can leak; a second key should exist only during rotation.",
        solution: "Switch programs to one AccessKey, then disable and delete the others (RAM console > the user > AccessKey).",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, ctx| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        let max = ctx.param("max_active_keys");
        let Some(keys) = &u.access_keys else {
            return Evaluation::missing("the user's AccessKeys (ram:ListAccessKeys)");
        };
        let active = keys.iter().filter(|k| k.active).count();
        if i64::try_from(active).unwrap_or(i64::MAX) <= max {
            return Evaluation::pass();
        }
        Evaluation::from_findings(vec![Finding::new("active AccessKeys", active.to_string(), format!("at most {max}"))])
    }),
};

static PRODUCT_ADMIN: Check = Check {
    meta: CheckMeta {
        id: "ram-user-no-product-admin-access",
        name: "RAM users hold no administrator or product-wide full access directly",
        risk: Risk::High,
        description: "AdministratorAccess or a product's FullAccess on a user lets one leaked password or AccessKey take over the account or a whole product.",
        solution: "Detach AdministratorAccess and *FullAccess policies from the user and grant, through a group, only the actions its work needs.",
        ..USER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(u) = user(a) else { return Evaluation::missing("the user (ram:ListUsers)") };
        let Some(policies) = &u.direct_policies else {
            return Evaluation::missing("the user's policies (ram:ListPoliciesForUser)");
        };
        admin_findings(policies.iter().map(String::as_str), &u.inline_policies)
    }),
};

/// A policy name granting administrator or a whole product's access (`Type:Name` or `Name`).
fn admin_named(policy: &str) -> bool {
    let name = policy.rsplit(':').next().unwrap_or(policy);
    name == "AdministratorAccess" || name.ends_with("FullAccess")
}

/// Findings for admin-named policies and inline documents granting `svc:*`
/// or `*` on `*`; `Unknown` when none is found but a name or document is
/// known only after deployment.
fn admin_findings<'a>(names: impl Iterator<Item = &'a str>, inline: &[Value]) -> Evaluation {
    let names: Vec<&str> = names.collect();
    let mut findings: Vec<Finding> = names
        .iter()
        .filter(|p| admin_named(p))
        .map(|p| Finding::new("Policy", *p, "no administrator or FullAccess policy"))
        .collect();
    let statements = inline.iter().map(product_admin_statements).sum::<usize>();
    let unknown = names.iter().any(|n| n.ends_with(UNKNOWN_NAME) || n.ends_with(UNKNOWN_LIST))
        || inline.iter().any(contains_unknown);
    if findings.is_empty() && statements == 0 && unknown {
        return Evaluation::not_check("Unknown: a policy name or document is known only after deployment");
    }
    if statements > 0 {
        findings.push(Finding::new(
            "inline policy statements",
            format!("{statements} allowing svc:* or * on *"),
            "none",
        ));
    }
    Evaluation::from_findings(findings)
}

const ROLE: &str = "ACS::RAM::Role";

/// A template role's policies: names attached in its own properties (ROS
/// `PolicyAttachments`) or by attachment resources, and inline documents.
fn role_admin_access(a: &Asset) -> Evaluation {
    let fields = (
        readable_field(a, "attached_policies"),
        readable_field(a, "attached_policy_names"),
        readable_field(a, "inline_policies"),
    );
    let (attached, joined, inline) = match fields {
        (Ok(a), Ok(j), Ok(i)) => (a, j, i),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    let mut names: Vec<String> = Vec::new();
    for kind in ["System", "Custom"] {
        let listed = attached.and_then(|a| a.get(kind)).and_then(Value::as_array);
        names.extend(listed.into_iter().flatten().map(|n| format!("{kind}:{}", n.as_str().unwrap_or(UNKNOWN_NAME))));
    }
    names.extend(
        joined.and_then(Value::as_array).into_iter().flatten().map(|n| n.as_str().unwrap_or(UNKNOWN_NAME).to_owned()),
    );
    let documents: Vec<Value> = inline
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("PolicyDocument").cloned())
        .collect();
    admin_findings(names.iter().map(String::as_str), &documents)
}

/// Whether a role's trust policy (an object, or JSON text) lets RAM
/// identities assume it; `None` when the policy cannot be read.
fn assumable_by_ram(trust: &Value) -> Option<bool> {
    let parsed: Option<Value> = match trust {
        Value::String(text) => Some(serde_json::from_str(text).ok()?),
        _ => None,
    };
    let trust = parsed.as_ref().unwrap_or(trust);
    if contains_unknown(trust) {
        return None;
    }
    Some(statements(trust).iter().any(|st| st.get("Principal").and_then(|p| p.get("RAM")).is_some()))
}

const ROLE_ITEM: CheckMeta = CheckMeta {
    resource_type: AssetKind::Other(ROLE),
    risk: Risk::Medium,
    description: "A role with AdministratorAccess or a product's FullAccess hands that power to whoever can assume it: one compromised service or user takes the account or the product.",
    solution: "Replace AdministratorAccess and *FullAccess on the role with policies naming only the actions and resources it needs.",
    ..USER_ITEM
};

static ROLE_PRODUCT_ADMIN: Check = Check {
    meta: CheckMeta {
        id: "ram-role-no-product-admin-access",
        name: "RAM roles hold no administrator or product-wide full access",
        ..ROLE_ITEM
    },
    eval: Eval::Code(|a, _| role_admin_access(a)),
};

static USER_ROLE_PRODUCT_ADMIN: Check = Check {
    meta: CheckMeta {
        id: "ram-user-role-no-product-admin-access",
        name: "Roles RAM users may assume hold no administrator or product-wide full access",
        ..ROLE_ITEM
    },
    eval: Eval::Code(|a, _| {
        let trust = ["trust_policy", "assume_role_policy"].iter().find_map(|f| match a.fields.get(*f) {
            Some(slot @ (Slot::Known(_) | Slot::Unknown)) => Some(slot),
            _ => None,
        });
        if trust.is_none() && matches!(a.fields.get("trust_policy"), Some(Slot::Unreported)) {
            return Evaluation::missing("trust_policy (ram:GetRole)");
        }
        match trust {
            Some(Slot::Known(t)) => match assumable_by_ram(t) {
                Some(true) => role_admin_access(a),
                Some(false) => Evaluation::not_check("NotApplicable: only services may assume the role"),
                None => {
                    Evaluation::not_check("Unknown: the trust policy is known only after deployment, or is not JSON")
                }
            },
            Some(_) => Evaluation::not_check("Unknown: the trust policy is known only after deployment"),
            None => Evaluation::not_check("NotApplicable: the role declares no trust policy"),
        }
    }),
};

pub(crate) static CHECKS: &[&Check] = &[
    &MIN_LENGTH,
    &COMPLEXITY,
    &REUSE,
    &MAX_AGE,
    &LOGIN_ATTEMPTS,
    &MFA,
    &AK_AGE,
    &LAST_LOGIN,
    &ADMIN_POLICY,
    &DIRECT_POLICIES,
    &HAS_PERMISSIONS,
    &IN_A_GROUP,
    &ACTIVE_KEYS,
    &PRODUCT_ADMIN,
    &ROLE_PRODUCT_ADMIN,
    &USER_ROLE_PRODUCT_ADMIN,
];
