//! STS as the emulator answers it: `AssumeRole` into a role whose trust
//! policy names the caller's account (temporary keys with a security token
//! and an end, accepted by the emulator until then), and `GetCallerIdentity`.

use crate::Role;
use crate::answer::Failure;
use crate::auth::{Key, Keys};
use chrono::{Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}

pub fn assume_role(
    keys: &Keys,
    roles: &BTreeMap<String, Role>,
    params: &[(String, String)],
    caller: &Key,
) -> Result<Value, Failure> {
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let arn =
        param("RoleArn").ok_or_else(|| Failure::new(400, "MissingRoleArn", "RoleArn is mandatory for this action."))?;
    let session = param("RoleSessionName")
        .ok_or_else(|| Failure::new(400, "MissingRoleSessionName", "RoleSessionName is mandatory for this action."))?;
    let seconds: i64 = param("DurationSeconds").and_then(|d| d.parse().ok()).unwrap_or(3600);
    if !(900..=43_200).contains(&seconds) {
        return Err(Failure::new(400, "InvalidParameter.DurationSeconds", "DurationSeconds is 900 to 43200"));
    }
    let Some(role) = roles.get(arn) else {
        return Err(Failure::new(404, "EntityNotExist.Role", format!("The role does not exist: {arn}")));
    };
    if !role.trusted_accounts.contains(&caller.account_id) {
        return Err(Failure::new(
            403,
            "NoPermission",
            format!(
                "You are not authorized to do this action: the trust policy of {arn} does not name {}",
                caller.account_id
            ),
        ));
    }
    let account = arn.split(':').nth(3).unwrap_or_default().to_owned();
    let id = format!("STS.{}", random_hex(12));
    let (secret, token) = (random_hex(20), random_hex(64));
    let expires_at = Utc::now() + Duration::seconds(seconds);
    let role_name = arn.rsplit('/').next().unwrap_or_default();
    let session_arn = format!("acs:ram::{account}:assumed-role/{role_name}/{session}");
    keys.add(
        &id,
        Key {
            secret: secret.clone(),
            account_id: account,
            arn: session_arn.clone(),
            token: Some(token.clone()),
            expires_at: Some(expires_at),
        },
    );
    Ok(json!({
        "AssumedRoleUser": {"Arn": session_arn, "AssumedRoleId": format!("3{}:{session}", &random_hex(8))},
        "Credentials": {
            "AccessKeyId": id, "AccessKeySecret": secret, "SecurityToken": token,
            "Expiration": expires_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        },
    }))
}

pub fn caller_identity(key: &Key) -> Value {
    let kind = if key.token.is_some() { "AssumedRoleUser" } else { "RAMUser" };
    json!({"AccountId": key.account_id, "Arn": key.arn, "IdentityType": kind, "PrincipalId": key.arn})
}
