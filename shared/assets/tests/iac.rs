//! Terraform and ROS in, typed assets out: static values resolved, unknown
//! values kept unknown, defaults filled, related resources joined.

use cspm_assets::iac::{map::to_assets, ros, terraform};
use cspm_assets::load::load_path;
use cspm_assets::{AssetKind, AssetSpec};
use std::path::PathBuf;

/// A fresh directory with `files` written into it.
fn dir_with(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cspm-iac-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn bucket_acls(assets: &[cspm_assets::Asset]) -> Vec<(String, Option<String>)> {
    assets
        .iter()
        .filter_map(|a| match &a.spec {
            AssetSpec::OssBucket(b) => Some((a.id.clone(), b.acl.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn terraform_variables_locals_and_count_are_resolved() {
    let dir = dir_with(&[
        ("variables.tf", "variable \"acl\" {\n  default = \"public-read\"\n}\nvariable \"n\" {\n  default = 2\n}\n"),
        (
            "main.tf",
            "locals {\n  prefix = \"logs-${var.acl}\"\n  acl    = var.acl\n}\n\nresource \"alicloud_oss_bucket\" \"logs\" {\n  count  = var.n\n  bucket = \"${local.prefix}-${count.index}\"\n  acl    = local.acl\n}\n",
        ),
    ]);
    let assets = to_assets(&terraform::load_module(&dir).unwrap());
    assert_eq!(
        bucket_acls(&assets),
        vec![
            ("alicloud_oss_bucket.logs[0]".into(), Some("public-read".into())),
            ("alicloud_oss_bucket.logs[1]".into(), Some("public-read".into()))
        ]
    );
    assert_eq!(assets[1].name.as_deref(), Some("logs-public-read-1"));
    let source = assets[0].source.as_ref().unwrap();
    assert_eq!((source.file.file_name().unwrap().to_str(), source.line), (Some("main.tf"), Some(6)));
}

#[test]
fn terraform_unknown_values_are_not_guessed_and_absent_ones_default() {
    let dir = dir_with(&[(
        "main.tf",
        "variable \"acl\" {}\nresource \"alicloud_oss_bucket\" \"a\" {\n  acl = var.acl\n}\nresource \"alicloud_oss_bucket\" \"b\" {\n  acl = data.alicloud_x.y.acl\n}\nresource \"alicloud_oss_bucket\" \"c\" {}\n",
    )]);
    let acls = bucket_acls(&to_assets(&terraform::load_module(&dir).unwrap()));
    assert_eq!(
        acls,
        vec![
            ("alicloud_oss_bucket.a".into(), None),
            ("alicloud_oss_bucket.b".into(), None),
            ("alicloud_oss_bucket.c".into(), Some("private".into()))
        ]
    );
}

#[test]
fn terraform_for_each_and_joins() {
    let dir = dir_with(&[(
        "main.tf",
        r#"
resource "alicloud_ram_user" "u" {
  for_each = toset(["ann", "ben"])
  name     = each.key
}
resource "alicloud_ram_login_profile" "ann" {
  user_name         = alicloud_ram_user.u["ann"].name
  password          = "x"
  mfa_bind_required = true
}
resource "alicloud_security_group" "sg" {
  name = "web"
}
resource "alicloud_security_group_rule" "ssh" {
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "22/22"
  cidr_ip           = "0.0.0.0/0"
  security_group_id = alicloud_security_group.sg.id
}
"#,
    )]);
    let assets = to_assets(&terraform::load_module(&dir).unwrap());
    let users: Vec<&str> = assets.iter().filter(|a| a.kind() == AssetKind::RamUser).map(|a| a.id.as_str()).collect();
    assert_eq!(users, ["alicloud_ram_user.u[\"ann\"]", "alicloud_ram_user.u[\"ben\"]"]);
    let sg = assets.iter().find(|a| a.id == "alicloud_security_group.sg").unwrap();
    let AssetSpec::SecurityGroup(g) = &sg.spec else { panic!() };
    assert_eq!((g.rules.len(), g.rules[0].ports), (1, Some((22, 22))), "the rule joins its group");
}

#[test]
fn a_plan_marks_what_is_known_only_after_apply() {
    let plan = r#"{
      "format_version": "1.2",
      "planned_values": {"root_module": {"resources": [
        {"address": "alicloud_db_instance.db", "mode": "managed", "type": "alicloud_db_instance", "name": "db",
         "values": {"engine": "MySQL", "security_ips": ["0.0.0.0/0"], "ssl_action": null}},
        {"address": "alicloud_ecs_disk.d", "mode": "managed", "type": "alicloud_ecs_disk", "name": "d", "values": {"encrypted": null}}
      ]}},
      "resource_changes": [
        {"address": "alicloud_db_instance.db", "change": {"after_unknown": {"ssl_action": true}}},
        {"address": "alicloud_ecs_disk.d", "change": {"after_unknown": {}}}
      ]
    }"#;
    let dir = dir_with(&[("plan.json", plan)]);
    let assets = load_path(&dir.join("plan.json")).unwrap();
    let AssetSpec::RdsInstance(db) = &assets[0].spec else { panic!() };
    assert_eq!((db.ssl_enabled, db.security_ips.as_deref()), (None, Some(&["0.0.0.0/0".to_owned()][..])));
    let AssetSpec::Disk(d) = &assets[1].spec else { panic!() };
    assert_eq!(d.encrypted, Some(false), "null means the provider default");
}

#[test]
fn ros_parameters_functions_and_references() {
    let template = r#"
ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  Acl:
    Type: String
    Default: public-read-write
  Env:
    Type: String
    Default: prod
Conditions:
  IsProd:
    Fn::Equals: [prod, {Ref: Env}]
Resources:
  Bucket:
    Type: ALIYUN::OSS::Bucket
    Properties:
      BucketName:
        Fn::Join: ['-', [data, {Ref: Env}]]
      AccessControl:
        Fn::If: [IsProd, {Ref: Acl}, private]
  Other:
    Type: ALIYUN::OSS::Bucket
    Properties:
      BucketName: {Fn::Sub: 'copy-${Env}'}
      AccessControl: {Fn::GetAtt: [Bucket, Acl]}
"#;
    let dir = dir_with(&[("t.yaml", template)]);
    let assets = to_assets(&ros::load_template(&dir.join("t.yaml")).unwrap());
    assert_eq!(bucket_acls(&assets), vec![("Bucket".into(), Some("public-read-write".into())), ("Other".into(), None)]);
    assert_eq!(assets[0].name.as_deref(), Some("data-prod"));
    assert_eq!(assets[1].name.as_deref(), Some("copy-prod"));
    assert_eq!(assets[0].source.as_ref().unwrap().line, Some(14));
}

#[test]
fn unreadable_input_is_an_error_naming_the_file() {
    let dir = dir_with(&[("broken.tf", "resource \"x\" {"), ("not-ros.yaml", "a: 1\n")]);
    assert!(terraform::load_module(&dir).unwrap_err().to_string().contains("broken.tf"));
    assert!(ros::load_template(&dir.join("not-ros.yaml")).unwrap_err().to_string().contains("not a ROS template"));
    assert!(load_path(&dir.join("missing")).unwrap_err().to_string().contains("does not exist"));
}

#[test]
fn template_inputs_are_assets_without_their_values() {
    let secret = "Sup3r-S3cret!";
    let ros_template = format!(
        "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n    Default: '{secret}'\nResources: {{}}\n"
    );
    let tf = format!("variable \"db_password\" {{\n  default = \"{secret}\"\n}}\n");
    let dir = dir_with(&[("t.yaml", ros_template.as_str()), ("main.tf", tf.as_str())]);
    let ros_assets = load_path(&dir.join("t.yaml")).unwrap();
    let tf_assets = load_path(&dir.join("main.tf")).unwrap();
    for (assets, name) in [(&ros_assets, "Parameters.DbPassword"), (&tf_assets, "var.db_password")] {
        let input = assets.iter().find(|a| a.id == name).unwrap_or_else(|| panic!("{name} is an asset"));
        assert_eq!(input.kind().as_str(), "ACS::Template::Parameter");
        assert_eq!(input.fields.get("has_default"), Some(&cspm_assets::Slot::Known(serde_json::json!(true))));
        let shown = serde_json::to_string(assets).unwrap();
        assert!(!shown.contains(secret), "a default value reached the assets: {shown}");
    }
}

#[test]
fn a_secret_default_a_resource_refers_to_reaches_no_asset() {
    let secret = "An0ther-S3cret!";
    let tf = format!(
        "variable \"db_password\" {{\n  default = \"{secret}\"\n}}\n\nresource \"alicloud_db_account\" \"app\" {{\n  db_instance_id   = \"rm-bp1example\"\n  account_name     = \"app\"\n  account_password = var.db_password\n}}\n\nresource \"alicloud_db_instance\" \"db\" {{\n  engine = \"MySQL\"\n}}\n"
    );
    let dir = dir_with(&[("main.tf", tf.as_str())]);
    let assets = load_path(&dir.join("main.tf")).unwrap();
    assert!(assets.len() >= 2, "the instance and the variable are read");
    let shown = serde_json::to_string(&assets).unwrap();
    assert!(!shown.contains(secret), "a default value reached the assets: {shown}");
}

#[test]
fn an_alb_listener_gets_the_tls_versions_of_the_template_policy_it_names() {
    let tf = r#"
resource "alicloud_alb_security_policy" "legacy" {
  security_policy_name = "legacy"
  tls_versions         = ["TLSv1.0", "TLSv1.2"]
  ciphers              = ["ECDHE-RSA-AES128-SHA"]
}

resource "alicloud_alb_listener" "https" {
  load_balancer_id   = "alb-example"
  listener_protocol  = "HTTPS"
  listener_port      = 443
  security_policy_id = alicloud_alb_security_policy.legacy.id
}
"#;
    let dir = dir_with(&[("main.tf", tf)]);
    let assets = load_path(&dir.join("main.tf")).unwrap();
    let listener = assets.iter().find(|a| a.id == "alicloud_alb_listener.https").unwrap();
    assert_eq!(
        listener.fields.get("tls_versions"),
        Some(&cspm_assets::Slot::Known(serde_json::json!(["TLSv1.0", "TLSv1.2"])))
    );
}

#[test]
fn attachments_and_public_connections_reach_their_instances() {
    use cspm_assets::Slot;
    use serde_json::json;
    let ros_template = r#"
ROSTemplateFormatVersion: '2015-09-01'
Resources:
  Vm:
    Type: ALIYUN::ECS::Instance
    Properties: {InstanceType: ecs.g7.large, ImageId: m-1}
  Eni1:
    Type: ALIYUN::ECS::NetworkInterfaceAttachment
    Properties: {InstanceId: {Ref: Vm}, NetworkInterfaceId: eni-1}
  Eni2:
    Type: ALIYUN::ECS::NetworkInterfaceAttachment
    Properties: {InstanceId: {Ref: Vm}, NetworkInterfaceId: eni-2}
"#;
    let tf = r#"
resource "alicloud_db_instance" "declared" {
  engine = "MySQL"
}
resource "alicloud_db_connection" "to_declared" {
  instance_id = alicloud_db_instance.declared.id
}
resource "alicloud_db_connection" "to_other" {
  instance_id = "rm-elsewhere"
}
"#;
    let dir = dir_with(&[("t.yaml", ros_template), ("main.tf", tf)]);
    let vm = load_path(&dir.join("t.yaml")).unwrap().into_iter().find(|a| a.id == "Vm").unwrap();
    assert_eq!(
        vm.fields.get("network_interface_ids"),
        Some(&Slot::Known(json!(["primary ENI of Vm", "ENI of Eni1", "ENI of Eni2"])))
    );

    let assets = load_path(&dir.join("main.tf")).unwrap();
    let rds: Vec<_> = assets.iter().filter(|a| a.kind() == AssetKind::RdsInstance).collect();
    assert_eq!(rds.len(), 2, "{rds:?}");
    for a in &rds {
        assert_eq!(a.fields.get("public_connection"), Some(&Slot::Known(json!(true))), "{}", a.id);
    }
    // The instance known only from its connection: nothing else about it is guessed.
    let lone = rds.iter().find(|a| a.name.as_deref() == Some("rm-elsewhere")).unwrap();
    assert_eq!(lone.fields.get("deletion_protection"), Some(&Slot::Unknown));
}

#[test]
fn server_groups_count_and_place_their_servers() {
    use cspm_assets::Slot;
    use serde_json::json;
    let tf = r#"
variable "servers" {}
resource "alicloud_instance" "web" {
  count             = 2
  availability_zone = count.index == 0 ? "cn-hangzhou-h" : "cn-hangzhou-i"
}
resource "alicloud_alb_server_group" "known" {
  server_group_name = "known"
}
resource "alicloud_alb_server_group_server_attachment" "web" {
  count           = 2
  server_group_id = alicloud_alb_server_group.known.id
  server_id       = alicloud_instance.web[count.index].id
}
resource "alicloud_alb_server_group" "dynamic" {
  server_group_name = "dynamic"
  servers {
    server_id = var.servers
  }
}
resource "alicloud_alb_server_group" "elsewhere" {
  server_group_name = "elsewhere"
  servers {
    server_id = "i-not-in-this-template"
  }
}
"#;
    let dir = dir_with(&[("main.tf", tf)]);
    let assets = load_path(&dir.join("main.tf")).unwrap();
    let group = |id: &str| assets.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{id}"));
    let known = group("alicloud_alb_server_group.known");
    assert_eq!(known.fields.get("server_count"), Some(&Slot::Known(json!(2))));
    assert_eq!(known.fields.get("server_zones"), Some(&Slot::Known(json!(["cn-hangzhou-h", "cn-hangzhou-i"]))));
    // A server known only after deployment: neither its number nor its zone is guessed.
    let dynamic = group("alicloud_alb_server_group.dynamic");
    assert_eq!(dynamic.fields.get("server_count"), Some(&Slot::Unknown));
    assert_eq!(dynamic.fields.get("server_zones"), Some(&Slot::Unknown));
    // A server the template does not declare: counted, but its zone is unknown.
    let elsewhere = group("alicloud_alb_server_group.elsewhere");
    assert_eq!(elsewhere.fields.get("server_count"), Some(&Slot::Known(json!(1))));
    assert_eq!(elsewhere.fields.get("server_zones"), Some(&Slot::Unknown));
}

#[test]
fn joins_follow_references_and_leave_scaled_or_unresolved_targets_unknown() {
    use cspm_assets::Slot;
    use serde_json::json;
    let tf = r#"
resource "alicloud_fc_service" "orders" {
  name            = "order-svc"
  internet_access = true
}
resource "alicloud_fc_service" "billing" {
  name = "billing-svc"
}
resource "alicloud_fc_custom_domain" "api" {
  domain_name = "api.example.com"
  route_config {
    path          = "/*"
    service_name  = alicloud_fc_service.orders.name
    function_name = "process"
  }
}
resource "alicloud_alb_server_group" "scaled" {
  server_group_name = "scaled"
}
resource "alicloud_ess_server_group_attachment" "scaling" {
  scaling_group_id = "asg-1"
  server_group_id  = alicloud_alb_server_group.scaled.id
  port             = 80
  type             = "ALB"
}
resource "alicloud_db_connection" "a" {
  instance_id = "rm-elsewhere"
}
resource "alicloud_db_connection" "b" {
  instance_id = "rm-elsewhere"
}
resource "alicloud_api_gateway_group" "orders" {
  name = "orders"
}
resource "alicloud_api_gateway_domain" "orders" {
  group_id    = alicloud_api_gateway_group.orders.id
  domain_name = "api.example.com"
}
"#;
    let dir = dir_with(&[("main.tf", tf)]);
    let assets = load_path(&dir.join("main.tf")).unwrap();
    let field =
        |id: &str, f: &str| assets.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{id}")).fields.get(f).cloned();
    assert_eq!(field("alicloud_fc_service.orders", "custom_domain_bound"), Some(Slot::Known(json!(true))));
    assert_eq!(field("alicloud_fc_service.billing", "custom_domain_bound"), Some(Slot::Known(json!(false))));
    // Scaling adds the servers: neither their number nor their zones is known from the template.
    assert_eq!(field("alicloud_alb_server_group.scaled", "server_count"), Some(Slot::Unknown));
    assert_eq!(field("alicloud_alb_server_group.scaled", "server_zones"), Some(Slot::Unknown));
    // Two connections to one undeclared instance: one instance.
    assert_eq!(assets.iter().filter(|a| a.kind() == AssetKind::RdsInstance).count(), 1);
    assert_eq!(
        field("alicloud_api_gateway_group.orders", "custom_domains"),
        Some(Slot::Known(json!(["api.example.com"])))
    );
}

/// How deep the hostile documents below nest: far beyond any template, and
/// deep enough that a decoder recursing once per level overflows a 2 MiB stack.
const HOSTILE_DEPTH: usize = 10_000;

/// `open` repeated, `middle`, then `close` repeated: a document nested `HOSTILE_DEPTH` deep.
fn nested(prefix: &str, open: &str, middle: &str, close: &str, suffix: &str) -> String {
    format!("{prefix}{}{middle}{}{suffix}", open.repeat(HOSTILE_DEPTH), close.repeat(HOSTILE_DEPTH))
}

/// The error of loading `file` from a fresh folder holding only it.
fn load_error(file: &str, text: &str) -> String {
    let dir = dir_with(&[(file, text)]);
    let target = if file.ends_with(".tf") { dir.clone() } else { dir.join(file) };
    match load_path(&target) {
        Ok(assets) => panic!("{file}: a document nested {HOSTILE_DEPTH} deep loaded ({} assets)", assets.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn deeply_nested_ros_yaml_is_refused() {
    let flow = nested(
        "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  B:\n    Type: ALIYUN::OSS::Bucket\n    Properties:\n      Tags: ",
        "[",
        "1",
        "]",
        "\n",
    );
    let err = load_error("deep.yaml", &flow);
    assert!(err.contains("deep.yaml") && err.contains("recursion limit"), "{err}");
    let flow_maps = nested("ROSTemplateFormatVersion: '2015-09-01'\nResources: ", "{a: ", "1", "}", "\n");
    let err = load_error("maps.yaml", &flow_maps);
    assert!(err.contains("maps.yaml") && err.contains("recursion limit"), "{err}");
    // Block style: indentation only, 1,000 levels (10,000 would be 50 MB of spaces).
    let block: String = (0..1_000).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    let err = load_error("block.yaml", &format!("ROSTemplateFormatVersion: '2015-09-01'\nResources:\n{block}"));
    assert!(err.contains("block.yaml") && err.contains("recursion limit"), "{err}");
}

#[test]
fn deeply_nested_ros_json_is_refused() {
    let text = nested(r#"{"ROSTemplateFormatVersion": "2015-09-01", "Resources": "#, r#"{"a": "#, "1", "}", "}");
    let err = load_error("deep.json", &text);
    assert!(err.contains("deep.json") && err.contains("recursion limit"), "{err}");
    // The same straight to the ROS reader, past the folder loader's first look.
    let dir = dir_with(&[("deep.json", &text)]);
    let err = ros::load_template(&dir.join("deep.json")).unwrap_err().to_string();
    assert!(err.contains("recursion limit"), "{err}");
}

/// Aliases repeating aliases ("billion laughs") expand past any memory.
#[test]
fn yaml_alias_bombs_are_refused() {
    let mut text = String::from("ROSTemplateFormatVersion: '2015-09-01'\nL0: &L0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=9 {
        text.push_str(&format!("L{i}: &L{i} [{}]\n", vec![format!("*L{}", i - 1); 10].join(", ")));
    }
    text.push_str("Resources:\n  B:\n    Type: ALIYUN::OSS::Bucket\n    Properties:\n      Tags: *L9\n");
    let err = load_error("bomb.yaml", &text);
    assert!(err.contains("bomb.yaml") && err.contains("repetition limit"), "{err}");
}

#[test]
fn deeply_nested_terraform_plan_is_refused() {
    let text = nested(r#"{"format_version": "1.2", "planned_values": "#, "[", "1", "]", "}");
    let err = load_error("plan.json", &text);
    assert!(err.contains("plan.json") && err.contains("recursion limit"), "{err}");
    let dir = dir_with(&[("plan.json", &text)]);
    let err = terraform::load_plan(&dir.join("plan.json")).unwrap_err().to_string();
    assert!(err.contains("recursion limit"), "{err}");
}

#[test]
fn deeply_nested_hcl_is_refused() {
    let resource = |value: &str| format!("resource \"alicloud_oss_bucket\" \"b\" {{\n  tags = {value}\n}}\n");
    for (what, text) in [
        ("lists", resource(&nested("", "[", "1", "]", ""))),
        ("objects", resource(&nested("", "{ a = ", "1", " }", ""))),
        ("parentheses", resource(&nested("", "(", "1", ")", ""))),
        ("function calls", resource(&nested("", "upper(", "\"x\"", ")", ""))),
        ("negations", resource(&format!("{}true", "!".repeat(HOSTILE_DEPTH)))),
        ("interpolations", resource(&nested("", "\"${", "1", "}\"", ""))),
        ("binary operators", resource(&format!("1{}", " + 1".repeat(HOSTILE_DEPTH)))),
        ("template directives", resource(&nested("<<EOT\n", "%{ if true }", "x", "%{ endif }", "\nEOT\n"))),
        ("conditionals", resource(&format!("{}1{}", "true ? ".repeat(HOSTILE_DEPTH), " : 2".repeat(HOSTILE_DEPTH)))),
        ("blocks", nested("resource \"alicloud_oss_bucket\" \"b\" {\n", "a {\n", "", "}\n", "}\n")),
    ] {
        let err = load_error("main.tf", &text);
        assert!(err.contains("main.tf") && err.contains("at most"), "{what}: {err}");
    }
}

#[test]
fn nesting_is_measured_in_containers() {
    use cspm_assets::iac::nests_deeper_than;
    use serde_json::json;
    assert!(!nests_deeper_than(&json!("x"), 0));
    assert!(!nests_deeper_than(&json!([{"a": [1]}]), 3));
    assert!(nests_deeper_than(&json!([{"a": [1]}]), 2));
}

/// The evaluator builds values too: a chain of locals each wrapping the one
/// before is shallow text but a deep value.
#[test]
fn a_chain_of_locals_nesting_deeper_is_refused() {
    let chain: String = (1..HOSTILE_DEPTH).map(|i| format!("  l{i} = [local.l{}]\n", i - 1)).collect();
    let text = format!(
        "locals {{\n  l0 = 1\n{chain}}}\nresource \"alicloud_oss_bucket\" \"b\" {{\n  tags = local.l{}\n}}\n",
        HOSTILE_DEPTH - 1
    );
    let err = load_error("main.tf", &text);
    assert!(err.contains("main.tf") && err.contains("local.l") && err.contains("nest"), "{err}");
}

/// A condition that names itself (or a chain of conditions thousands long)
/// must not send the resolver round forever: it is unknown.
#[test]
fn ros_conditions_that_name_themselves_are_unknown() {
    let template = r#"ROSTemplateFormatVersion: '2015-09-01'
Conditions:
  Loop: {"Fn::If": [Loop, true, false]}
Resources:
  Bucket:
    Type: ALIYUN::OSS::Bucket
    Properties:
      BucketName: b
      AccessControl: {"Fn::If": [Loop, public-read, private]}
"#;
    let dir = dir_with(&[("loop.yaml", template)]);
    let resources = ros::load_template(&dir.join("loop.yaml")).unwrap();
    assert!(cspm_assets::iac::is_unknown(&resources[0].properties["AccessControl"]), "{resources:?}");
    let chain: String =
        (0..HOSTILE_DEPTH).map(|i| format!("  C{i}: {{\"Fn::If\": [C{}, true, false]}}\n", i + 1)).collect();
    let template = format!(
        "ROSTemplateFormatVersion: '2015-09-01'\nConditions:\n{chain}Resources:\n  Bucket:\n    Type: ALIYUN::OSS::Bucket\n    Properties:\n      AccessControl: {{\"Fn::If\": [C0, public-read, private]}}\n"
    );
    let dir = dir_with(&[("chain.yaml", &template)]);
    let resources = ros::load_template(&dir.join("chain.yaml")).unwrap();
    assert!(cspm_assets::iac::is_unknown(&resources[0].properties["AccessControl"]), "{resources:?}");
}
