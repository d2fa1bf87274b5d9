//! Templates: RAM group memberships and policy attachments, joined onto both
//! ends. Users learn their groups and the policies attached to them; groups
//! their member and policy counts; roles the names of their policies; custom
//! policies how often they are attached. A target is found by reference, or
//! by the name its own resource declares (kind-checked: a user and a group
//! of one name are different targets).

use super::{IacResource, UNKNOWN_LIST, UNKNOWN_NAME, is_unknown, referenced, scalar_text as text};
use crate::model::{Asset, AssetSpec, Slot};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

const USER: &str = "ACS::RAM::User";
const GROUP: &str = "ACS::RAM::Group";
const ROLE: &str = "ACS::RAM::Role";
const POLICY: &str = "ACS::RAM::ManagedPolicy";

/// The resource types that declare a RAM user, group, role or custom policy
/// (an AccessKey or an attachment only names one).
const DECLARING: &[&str] = &[
    "alicloud_ram_user",
    "ALIYUN::RAM::User",
    "alicloud_ram_group",
    "ALIYUN::RAM::Group",
    "alicloud_ram_role",
    "ALIYUN::RAM::Role",
    "alicloud_ram_policy",
    "ALIYUN::RAM::ManagedPolicy",
];

/// The properties declaring a RAM object's own name.
const NAME_KEYS: &[&str] =
    &["name", "UserName", "GroupName", "group_name", "RoleName", "role_name", "PolicyName", "policy_name"];

/// The assets a join may land on, by address and by (kind, declared name),
/// and each one's declared name.
struct Targets {
    by_address: HashMap<String, usize>,
    by_name: HashMap<(&'static str, String), usize>,
    names: HashMap<usize, String>,
}

impl Targets {
    fn new(resources: &[IacResource], out: &[Asset]) -> Self {
        let by_address: HashMap<String, usize> = out.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let mut by_name = HashMap::new();
        let mut names = HashMap::new();
        for r in resources.iter().filter(|r| DECLARING.contains(&r.resource_type.as_str())) {
            let Some(&i) = by_address.get(&r.source.address) else { continue };
            let Some(kind) = [USER, GROUP, ROLE, POLICY].into_iter().find(|k| out[i].kind().as_str() == *k) else {
                continue;
            };
            for key in NAME_KEYS {
                if let Some(name) = r.properties.get(*key).and_then(text) {
                    names.entry(i).or_insert_with(|| name.clone());
                    by_name.entry((kind, name)).or_insert(i);
                }
            }
        }
        Self { by_address, by_name, names }
    }

    /// The declared name of the target `v` names, or the name as written.
    fn name(&self, found: Option<usize>, v: &Value) -> String {
        found.and_then(|i| self.names.get(&i).cloned()).unwrap_or_else(|| name_of(v))
    }

    /// The asset of `kind` that `v` names (a reference or a name).
    fn find(&self, out: &[Asset], kind: &'static str, v: &Value) -> Option<usize> {
        match referenced(v) {
            Some(address) => self.by_address.get(address).copied().filter(|&i| out[i].kind().as_str() == kind),
            None => self.by_name.get(&(kind, text(v)?)).copied(),
        }
    }
}

/// A name as written, or [`UNKNOWN_NAME`] for a reference or an unknown value.
fn name_of(v: &Value) -> String {
    text(v).unwrap_or_else(|| UNKNOWN_NAME.into())
}

/// The elements of a list property; a list known only after deployment is
/// one [`UNKNOWN_LIST`] element (it may hold none, one or many).
fn items(p: &Value, key: &str) -> Vec<Value> {
    match p.get(key) {
        Some(Value::Array(v)) => v.clone(),
        Some(v) if is_unknown(v) && referenced(v).is_none() => vec![Value::String(UNKNOWN_LIST.into())],
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    }
}

fn is_unknown_list(v: &Value) -> bool {
    v.as_str() == Some(UNKNOWN_LIST)
}

/// A reference to `r` itself.
fn itself(r: &IacResource) -> Value {
    super::reference(r.source.address.clone(), "")
}

/// (group, user) pairs a resource declares.
fn memberships(r: &IacResource) -> Vec<(Value, Value)> {
    let p = &r.properties;
    let each = |one: &str, many: &str, group_first: bool| -> Vec<(Value, Value)> {
        let Some(single) = p.get(one) else { return Vec::new() };
        items(p, many)
            .into_iter()
            .map(|m| if group_first { (single.clone(), m) } else { (m, single.clone()) })
            .collect()
    };
    match r.resource_type.as_str() {
        "alicloud_ram_group_membership" => each("group_name", "user_names", true),
        "ALIYUN::RAM::UserToGroupAddition" => each("GroupName", "Users", true),
        "alicloud_ram_user_group_membership" => each("user_name", "group_names", false),
        "ALIYUN::RAM::AddUserToGroup" => each("GroupName", "UserName", true),
        // The user's own `Groups`; the user is this resource.
        "ALIYUN::RAM::User" => items(p, "Groups").into_iter().map(|g| (g, itself(r))).collect(),
        _ => Vec::new(),
    }
}

/// (policy, policy type, holder kind, holder) tuples a resource declares.
fn attachments(r: &IacResource) -> Vec<(Value, String, &'static str, Value)> {
    let p = &r.properties;
    let own = itself(r);
    let policy_type = ["policy_type", "PolicyType"].iter().find_map(|k| p.get(*k).and_then(text));
    let policy_type = policy_type.unwrap_or_else(|| "Custom".into());
    let one = |policy: &str, holder_kind: &'static str, holder: &str| -> Vec<(Value, String, &'static str, Value)> {
        match (p.get(policy), p.get(holder)) {
            (Some(pol), Some(h)) => vec![(pol.clone(), policy_type.clone(), holder_kind, h.clone())],
            _ => Vec::new(),
        }
    };
    // ROS users, groups and roles attach policies in their own properties.
    let own_attachments = |holder_kind: &'static str| -> Vec<(Value, String, &'static str, Value)> {
        let attached = p.get("PolicyAttachments");
        ["System", "Custom"]
            .into_iter()
            .flat_map(|kind| attached.map(|a| items(a, kind)).unwrap_or_default().into_iter().map(move |n| (n, kind)))
            .map(|(n, kind)| (n, kind.to_owned(), holder_kind, own.clone()))
            .collect()
    };
    // A ROS managed policy names the users, groups and roles it is attached to.
    let policy_holders = || -> Vec<(Value, String, &'static str, Value)> {
        let mut out = Vec::new();
        for (key, kind) in [("Users", USER), ("Groups", GROUP), ("Roles", ROLE)] {
            out.extend(items(p, key).into_iter().map(|h| (own.clone(), "Custom".to_owned(), kind, h)));
        }
        out
    };
    match r.resource_type.as_str() {
        "alicloud_ram_user_policy_attachment" => one("policy_name", USER, "user_name"),
        "ALIYUN::RAM::AttachPolicyToUser" => one("PolicyName", USER, "UserName"),
        "alicloud_ram_group_policy_attachment" => one("policy_name", GROUP, "group_name"),
        "ALIYUN::RAM::AttachPolicyToGroup" => one("PolicyName", GROUP, "GroupName"),
        "alicloud_ram_role_policy_attachment" => one("policy_name", ROLE, "role_name"),
        "ALIYUN::RAM::AttachPolicyToRole" => one("PolicyName", ROLE, "RoleName"),
        "ALIYUN::RAM::User" => own_attachments(USER),
        "ALIYUN::RAM::Group" => own_attachments(GROUP),
        "ALIYUN::RAM::Role" => own_attachments(ROLE),
        "ALIYUN::RAM::ManagedPolicy" => policy_holders(),
        _ => Vec::new(),
    }
}

fn add_count(asset: &mut Asset, field: &str, n: u64) {
    let before = match asset.fields.get(field) {
        Some(Slot::Known(v)) => v.as_u64().unwrap_or(0),
        _ => 0,
    };
    asset.fields.insert(field.to_owned(), Slot::Known(Value::from(before + n)));
}

pub(super) fn apply(resources: &[IacResource], out: &mut [Asset]) {
    let targets = Targets::new(resources, out);
    join_memberships(resources, out, &targets);
    join_attachments(resources, out, &targets);
}

/// Adds `name` to a list the user already has; a user whose list is not
/// known (one the template only names) gets none: a partial list would read
/// as the whole.
fn add_to_user_list(list: &mut Option<Vec<String>>, name: String) {
    if let Some(list) = list
        && !list.contains(&name)
    {
        list.push(name);
    }
}

fn join_memberships(resources: &[IacResource], out: &mut [Asset], targets: &Targets) {
    // Members of each group: a declared user once however it is named,
    // others by name or, when unknown, one each.
    let mut members: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut unknown_members: BTreeSet<usize> = BTreeSet::new();
    for r in resources {
        for (n, (group, user)) in memberships(r).into_iter().enumerate() {
            let found_user = targets.find(out, USER, &user);
            if let Some(g) = targets.find(out, GROUP, &group) {
                if is_unknown_list(&user) {
                    unknown_members.insert(g);
                } else {
                    let key = match (found_user, text(&user)) {
                        (Some(u), _) => format!("#{u}"),
                        (None, Some(name)) => name,
                        (None, None) => format!("{}[{n}]", r.source.address),
                    };
                    members.entry(g).or_default().insert(key);
                }
            }
            if let Some(u) = found_user {
                let group_name = if is_unknown_list(&group) {
                    UNKNOWN_LIST.to_owned()
                } else {
                    targets.name(targets.find(out, GROUP, &group), &group)
                };
                if let AssetSpec::RamUser(spec) = &mut out[u].spec {
                    add_to_user_list(&mut spec.groups, group_name);
                }
            }
        }
    }
    for (g, users) in &members {
        out[*g].fields.insert("member_count".into(), Slot::Known(Value::from(users.len())));
    }
    // A list known only after deployment may be empty: the count is unknown
    // unless a known member already makes it at least one.
    for g in unknown_members.into_iter().filter(|g| !members.contains_key(g)) {
        out[g].fields.insert("member_count".into(), Slot::Unknown);
    }
}

fn join_attachments(resources: &[IacResource], out: &mut [Asset], targets: &Targets) {
    // Each (policy, holder) once, however many resources declare it.
    let mut seen: BTreeSet<(String, &'static str, String)> = BTreeSet::new();
    // Policies attached to a list of holders known only after deployment.
    let mut unknown_holders: BTreeSet<usize> = BTreeSet::new();
    for r in resources {
        for (policy, policy_type, holder_kind, holder) in attachments(r) {
            let found = targets.find(out, POLICY, &policy);
            if is_unknown_list(&holder) {
                unknown_holders.extend(found);
                continue;
            }
            let policy_name = targets.name(found, &policy);
            let h = targets.find(out, holder_kind, &holder);
            let holder_key = h.map_or_else(|| name_of(&holder), |h| format!("#{h}"));
            if !seen.insert((format!("{policy_type}:{policy_name}"), holder_kind, holder_key)) {
                continue;
            }
            if let Some(i) = found {
                add_count(&mut out[i], "attachment_count", 1);
            }
            let Some(h) = h else { continue };
            // A group's or role's own PolicyAttachments are read with it (its schema fields).
            let own = referenced(&holder) == Some(r.source.address.as_str());
            match (holder_kind, &mut out[h].spec) {
                (USER, AssetSpec::RamUser(u)) => {
                    add_to_user_list(&mut u.direct_policies, format!("{policy_type}:{policy_name}"))
                }
                (GROUP, _) if !own => add_count(&mut out[h], "policy_count", 1),
                (ROLE, _) if !own => {
                    let mut names = match out[h].fields.get("attached_policy_names") {
                        Some(Slot::Known(Value::Array(n))) => n.clone(),
                        _ => Vec::new(),
                    };
                    names.push(Value::String(format!("{policy_type}:{policy_name}")));
                    out[h].fields.insert("attached_policy_names".into(), Slot::Known(Value::Array(names)));
                }
                _ => {}
            }
        }
    }
    for i in unknown_holders {
        if matches!(out[i].fields.get("attachment_count"), Some(Slot::Known(n)) if n.as_u64() == Some(0)) {
            out[i].fields.insert("attachment_count".into(), Slot::Unknown);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::iac::{map::to_assets, ros};
    use crate::model::{Asset, AssetSpec, Slot};
    use serde_json::json;

    fn load(template: &str) -> Vec<Asset> {
        let dir = std::env::temp_dir().join(format!("cspm-ram-joins-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("t{}.yaml", template.len()));
        std::fs::write(&file, template).unwrap();
        to_assets(&ros::load_template(&file).unwrap())
    }

    fn by_id<'a>(assets: &'a [Asset], id: &str) -> &'a Asset {
        assets.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{id}"))
    }

    #[test]
    fn memberships_and_attachments_reach_both_ends() {
        let assets = load(
            "ROSTemplateFormatVersion: '2015-09-01'
Resources:
  Ops:
    Type: ALIYUN::RAM::Group
    Properties: {GroupName: ops}
  OpsUser:
    Type: ALIYUN::RAM::User
    Properties: {UserName: ops, Groups: [ops]}
  Dev:
    Type: ALIYUN::RAM::User
    Properties: {UserName: dev}
  Add:
    Type: ALIYUN::RAM::UserToGroupAddition
    Properties: {GroupName: ops, Users: [dev, ops]}
  Read:
    Type: ALIYUN::RAM::ManagedPolicy
    Properties:
      PolicyName: read-logs
      PolicyDocument: {Version: '1', Statement: [{Effect: Allow, Action: ['log:Get*'], Resource: ['*']}]}
      Users: [dev]
      Groups: [ops]
",
        );
        let user_groups = |id: &str| match &by_id(&assets, id).spec {
            AssetSpec::RamUser(u) => {
                (u.groups.clone().unwrap_or_default(), u.direct_policies.clone().unwrap_or_default())
            }
            _ => panic!("{id} is a user"),
        };
        // The user and the group named "ops" stay apart; "ops" joined twice counts once.
        assert_eq!(by_id(&assets, "Ops").fields.get("member_count"), Some(&Slot::Known(json!(2))));
        assert_eq!(by_id(&assets, "Ops").fields.get("policy_count"), Some(&Slot::Known(json!(1))));
        assert_eq!(user_groups("OpsUser").0, vec!["ops".to_owned()]);
        assert_eq!(user_groups("Dev"), (vec!["ops".to_owned()], vec!["Custom:read-logs".to_owned()]));
        assert_eq!(by_id(&assets, "Read").fields.get("attachment_count"), Some(&Slot::Known(json!(2))));
    }

    #[test]
    fn unknown_lists_stay_unknown_and_attachments_count_once() {
        let assets = load(
            "ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  Members: {Type: CommaDelimitedList}
Resources:
  Ops:
    Type: ALIYUN::RAM::Group
    Properties: {GroupName: ops}
  Add:
    Type: ALIYUN::RAM::UserToGroupAddition
    Properties: {GroupName: ops, Users: {Ref: Members}}
  Admin:
    Type: ALIYUN::RAM::ManagedPolicy
    Properties:
      PolicyName: everything
      PolicyDocument: {Version: '1', Statement: [{Effect: Allow, Action: ['*'], Resource: ['*']}]}
      Users: [dev]
  Dev:
    Type: ALIYUN::RAM::User
    Properties:
      UserName: dev
      PolicyAttachments:
        Custom: [{'Fn::GetAtt': [Admin, PolicyName]}]
  Attach:
    Type: ALIYUN::RAM::AttachPolicyToUser
    Properties: {PolicyName: everything, PolicyType: Custom, UserName: dev}
",
        );
        assert_eq!(
            by_id(&assets, "Ops").fields.get("member_count"),
            Some(&Slot::Unknown),
            "the member list may be empty"
        );
        // Declared three ways, attached once; the GetAtt resolves to the declared name.
        assert_eq!(by_id(&assets, "Admin").fields.get("attachment_count"), Some(&Slot::Known(json!(1))));
        let AssetSpec::RamUser(dev) = &by_id(&assets, "Dev").spec else { panic!("Dev is a user") };
        assert_eq!(dev.direct_policies.as_deref(), Some(&["Custom:everything".to_owned()][..]));
    }
}
