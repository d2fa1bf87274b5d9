use super::*;
use serde_json::json;

fn resp(api: &str, response: Value) -> ApiResponse {
    ApiResponse { api: api.into(), params: BTreeMap::new(), response }
}

fn with(api: &str, param: (&str, &str), response: Value) -> ApiResponse {
    ApiResponse { api: api.into(), params: [(param.0.to_owned(), param.1.to_owned())].into(), response }
}

fn find<'a>(assets: &'a [Asset], kind: AssetKind, id: &str) -> &'a Asset {
    assets.iter().find(|a| a.kind() == kind && a.id == id).unwrap_or_else(|| panic!("{kind} {id} missing"))
}

#[test]
fn the_bundled_sample_inventory_ingests() {
    let responses: Vec<ApiResponse> = serde_json::from_str(include_str!("../../samples/demo-inventory.json")).unwrap();
    let assets = ingest(&responses).unwrap();
    let count = |k| assets.iter().filter(|a| a.kind() == k).count();
    assert_eq!(count(AssetKind::EcsInstance), 4);
    assert_eq!(count(AssetKind::SecurityGroup), 3);
    assert_eq!(count(AssetKind::Disk), 3);
    assert_eq!(count(AssetKind::PasswordPolicy), 1);
    assert_eq!(count(AssetKind::RamUser), 3);
    assert_eq!(count(AssetKind::OssBucket), 3);
    assert_eq!(count(AssetKind::RdsInstance), 2);
    let AssetSpec::RamUser(ci) = &find(&assets, AssetKind::RamUser, "ci-deployer").spec else { panic!() };
    assert_eq!(
        (ci.console_login, ci.mfa_bound, ci.access_keys.as_ref().map(Vec::len)),
        (Some(false), Some(false), Some(1))
    );
    let AssetSpec::RamUser(alice) = &find(&assets, AssetKind::RamUser, "alice").spec else { panic!() };
    assert_eq!((alice.console_login, alice.mfa_bound), (Some(true), Some(true)));
    assert!(!find(&assets, AssetKind::EcsInstance, "i-bp1old00000000000004").billable(), "stopped");
    assert!(!find(&assets, AssetKind::OssBucket, "acme-scratch").billable(), "empty");
    assert!(find(&assets, AssetKind::OssBucket, "acme-backups").billable(), "object count unknown: billed");
}

#[test]
fn password_policy_quirks_are_normalised() {
    let ram = resp(
        "ram:GetPasswordPolicy",
        json!({"PasswordPolicy": {"MinimumPasswordLength": "14", "MaxLoginAttemps": 3, "HardExpiry": "Yes", "RequireSymbols": "on"}}),
    );
    let ims = resp(
        "ram:GetPasswordPolicy",
        json!({"PasswordPolicy": {"MaxLoginAttempts": 4, "HardExpire": 0, "RequireSymbols": "Disabled"}}),
    );
    let AssetSpec::PasswordPolicy(p) = &ingest(&[ram]).unwrap()[0].spec else { panic!() };
    assert_eq!(
        (p.minimum_length, p.max_login_attempts, p.hard_expiry, p.require_symbols),
        (Some(14), Some(3), Some(true), Some(true))
    );
    let AssetSpec::PasswordPolicy(p) = &ingest(&[ims]).unwrap()[0].spec else { panic!() };
    assert_eq!((p.max_login_attempts, p.hard_expiry, p.require_symbols), (Some(4), Some(false), Some(false)));
}

#[test]
fn security_group_rules_are_normalised() {
    let sg = resp(
        "ecs:DescribeSecurityGroupAttribute",
        json!({"SecurityGroupId": "sg-1", "Permissions": {"Permission": {"Direction": "INGRESS", "IpProtocol": "TCP", "PortRange": "20/25", "SourceCidrIp": "0.0.0.0/0", "Policy": "accept", "Priority": "5"}}}),
    );
    let AssetSpec::SecurityGroup(g) = &ingest(&[sg]).unwrap()[0].spec else { panic!() };
    let r = &g.rules[0];
    assert_eq!((r.protocol.as_str(), r.ports, r.priority, r.accept), ("tcp", Some((20, 25)), 5, true));
    assert!(r.covers_port(22) && !r.covers_port(26) && r.open_to_internet());
    assert_eq!(quirks::parse_port_range("-1/-1"), Ok(None));
    assert!(quirks::parse_port_range("30/20").is_err());
}

#[test]
fn several_calls_join_into_one_resource() {
    let assets = ingest(&[
        with("rds:DescribeDBInstanceSSL", ("DBInstanceId", "rm-1"), json!({"SSLEnabled": "on"})),
        resp("rds:DescribeDBInstances", json!({"Items": {"DBInstance": [{"DBInstanceId": "rm-1", "Engine": "MySQL"}]}})),
        with("rds:DescribeDBInstanceIPArrayList", ("DBInstanceId", "rm-1"), json!({"Items": {"DBInstanceIPArray": [{"SecurityIPList": "1.2.3.4, 0.0.0.0/0"}, {"SecurityIPList": "10.0.0.0/8"}]}})),
    ])
    .unwrap();
    assert_eq!(assets.len(), 1);
    let AssetSpec::RdsInstance(r) = &assets[0].spec else { panic!() };
    assert_eq!(r.ssl_enabled, Some(true));
    assert_eq!(r.security_ips.as_deref().unwrap(), ["1.2.3.4", "0.0.0.0/0", "10.0.0.0/8"]);
    assert_eq!(r.engine.as_deref(), Some("MySQL"));
}

#[test]
fn bad_input_is_refused_with_the_call_named() {
    let err = ingest(&[resp("ecs:DescribeUnicorns", json!({}))]).unwrap_err();
    assert!(err.to_string().contains("unsupported API \"ecs:DescribeUnicorns\""), "{err}");
    let err = ingest(&[resp("ecs:DescribeInstances", json!({"Foo": 1}))]).unwrap_err();
    assert_eq!(err.to_string(), "ecs:DescribeInstances: lacks Instances.Instance");
    let err = ingest(&[resp("ram:ListAccessKeys", json!({"AccessKeys": {"AccessKey": []}}))]).unwrap_err();
    assert!(err.to_string().contains("needs the request parameter UserName"), "{err}");
    let err = ingest(&[resp("ecs:DescribeInstances", json!({"Code": "Forbidden.RAM", "Message": "no"}))]).unwrap_err();
    assert!(err.to_string().contains("API error (Forbidden.RAM)"), "{err}");
    let err = ingest(&[resp(
        "ecs:DescribeSecurityGroupAttribute",
        json!({"SecurityGroupId": "sg", "Permissions": {"Permission": [{"PortRange": "x/y"}]}}),
    )])
    .unwrap_err();
    assert!(err.to_string().contains("malformed PortRange"), "{err}");
}

#[test]
fn times_in_every_api_format_parse() {
    for t in ["2020-01-10T08:00:00Z", "2020-01-10T08:00Z", "2020-01-10 08:00:00", "2020-01-10T08:00:00.000Z"] {
        assert!(quirks::parse_time(t).is_some(), "{t}");
    }
}

/// OSS answers in XML: the same bucket read from the XML bodies as from JSON.
#[test]
fn oss_xml_responses_ingest_like_json() {
    let info = r#"<?xml version="1.0" encoding="UTF-8"?>
<BucketInfo>
  <Bucket>
    <CreationDate>2024-07-31T10:56:21.000Z</CreationDate>
    <Location>oss-cn-hangzhou</Location>
    <Name>acme-site</Name>
    <StorageClass>Standard</StorageClass>
    <DataRedundancyType>LRS</DataRedundancyType>
    <Versioning>Enabled</Versioning>
    <Owner><DisplayName>1234567890123456</DisplayName><ID>1234567890123456</ID></Owner>
    <AccessControlList><Grant>public-read</Grant></AccessControlList>
    <ServerSideEncryptionRule><SSEAlgorithm>None</SSEAlgorithm></ServerSideEncryptionRule>
    <BucketPolicy><LogBucket>acme-logs</LogBucket><LogPrefix>site/</LogPrefix></BucketPolicy>
  </Bucket>
</BucketInfo>"#;
    let acl = r#"<?xml version="1.0" encoding="UTF-8"?>
<AccessControlPolicy>
  <Owner><ID>1234567890123456</ID><DisplayName>1234567890123456</DisplayName></Owner>
  <AccessControlList><Grant>public-read-write</Grant></AccessControlList>
</AccessControlPolicy>"#;
    let assets = ingest(&[
        resp("oss:GetBucketInfo", Value::String(info.into())),
        with("oss:GetBucketAcl", ("BucketName", "acme-site"), Value::String(acl.into())),
    ])
    .unwrap();
    let bucket = find(&assets, AssetKind::OssBucket, "acme-site");
    let AssetSpec::OssBucket(spec) = &bucket.spec else { panic!() };
    assert_eq!(spec.acl.as_deref(), Some("public-read-write"), "the ACL call, read after the info call");
    assert_eq!(spec.sse_configured, Some(false));
    assert_eq!(bucket.fields.get("versioning_status"), Some(&Slot::Known(json!("Enabled"))));
    assert_eq!(bucket.fields.get("logging_target_bucket"), Some(&Slot::Known(json!("acme-logs"))));
}

/// OSS answers a bucket without a default encryption rule with an error;
/// that error is the fact "not encrypted", read as GetBucketInfo's `None`.
#[test]
fn a_missing_encryption_rule_is_read_as_no_encryption() {
    let xml = "<?xml version=\"1.0\"?><Error><Code>NoSuchServerSideEncryptionRule</Code>\
               <Message>The server side encryption configuration was not found</Message></Error>";
    let assets = ingest(&[with("oss:GetBucketEncryption", ("BucketName", "b"), json!(xml))]).unwrap();
    let bucket = find(&assets, AssetKind::OssBucket, "b");
    let AssetSpec::OssBucket(spec) = &bucket.spec else { panic!() };
    assert_eq!(spec.sse_configured, Some(false));
    assert_eq!(bucket.fields.get("sse_algorithm"), Some(&Slot::Known(json!("None"))));
    assert_eq!(bucket.fields.get("sse_kms_key_id"), Some(&Slot::Absent));
    // Another error of the same call is still refused.
    let denied = xml.replace("NoSuchServerSideEncryptionRule", "AccessDenied");
    assert!(ingest(&[with("oss:GetBucketEncryption", ("BucketName", "b"), json!(denied))]).is_err());
}

#[test]
fn an_ack_master_url_that_is_not_json_is_a_clear_error() {
    let err = ingest(&[with(
        "cs:DescribeClusterDetail",
        ("ClusterId", "c1"),
        json!({"cluster_id": "c1", "master_url": "https://47.96.30.40:6443"}),
    )])
    .unwrap_err()
    .to_string();
    assert!(err.contains("cs:DescribeClusterDetail") && err.contains("master_url"), "{err}");
}

#[test]
fn paged_server_lists_add_up_and_regions_keep_fc_routes_apart() {
    let instance = |id: &str, zone: &str| json!({"InstanceId": id, "RegionId": "cn-hangzhou", "Status": "Running", "ZoneId": zone});
    let page = |servers: &[&str], token: &str| {
        let servers: Vec<Value> =
            servers.iter().map(|s| json!({"ServerId": s, "ServerType": "Ecs", "Port": 80})).collect();
        let mut r = with("alb:ListServerGroupServers", ("ServerGroupId", "sgp-1"), json!({"Servers": servers}));
        if !token.is_empty() {
            r.params.insert("NextToken".into(), token.into());
        }
        r
    };
    let mut fc_services = resp(
        "fc:ListServices",
        json!({"services": [{"serviceName": "api", "serviceId": "s-hz", "internetAccess": true}]}),
    );
    fc_services.params.insert("RegionId".into(), "cn-hangzhou".into());
    let mut fc_domains = resp(
        "fc:ListCustomDomains",
        json!({"customDomains": [{"domainName": "a.example.com", "routeConfig": {"routes": [{"serviceName": "api"}]}}]}),
    );
    fc_domains.params.insert("RegionId".into(), "cn-shanghai".into());
    let assets = ingest(&[
        resp(
            "ecs:DescribeInstances",
            json!({"Instances": {"Instance": [instance("i-1", "cn-hangzhou-i"), instance("i-2", "cn-hangzhou-h")]}}),
        ),
        resp(
            "alb:ListServerGroups",
            json!({"ServerGroups": [{"ServerGroupId": "sgp-1", "ServerGroupType": "Instance", "ServerCount": 2}]}),
        ),
        page(&["i-2"], ""),
        // Pages add up; the same page imported again replaces itself.
        page(&["i-1"], "page-2"),
        page(&["i-1"], "page-2"),
        fc_services,
        fc_domains,
    ])
    .unwrap();
    let group = find(&assets, AssetKind::Other("ACS::ALB::ServerGroup"), "sgp-1");
    assert_eq!(group.fields.get("server_zones"), Some(&Slot::Known(json!(["cn-hangzhou-h", "cn-hangzhou-i"]))));
    // A Shanghai domain routing to "api" says nothing of Hangzhou's "api", nor whether Hangzhou has domains.
    let service = find(&assets, AssetKind::Other("ACS::FC::Service"), "s-hz");
    assert_eq!(service.region.as_deref(), Some("cn-hangzhou"));
    assert_eq!(service.fields.get("custom_domain_bound"), Some(&Slot::Unreported));
}

#[test]
fn a_code_in_a_successful_body_is_not_an_error() {
    assert_eq!(error_code(&json!({"Code": "success", "IsSuccess": true, "Repositories": []})), None);
    assert_eq!(error_code(&json!({"Code": "200", "Data": {}})), None);
    assert_eq!(error_code(&json!({"Code": "Forbidden.RAM", "Message": "no"})), Some("Forbidden.RAM"));
    assert_eq!(error_code(&json!({"Code": "InstanceNotExist", "IsSuccess": false})), Some("InstanceNotExist"));
}

#[test]
fn listeners_sharing_a_port_stay_apart_and_xml_errors_are_errors() {
    let listener = |protocol: &str, acl: &str| {
        json!({"LoadBalancerId": "lb-1", "ListenerPort": 53, "ListenerProtocol": protocol, "AclStatus": acl,
               format!("{}ListenerConfig", protocol.to_uppercase()): {"HealthCheck": "on"}})
    };
    let assets = ingest(&[resp(
        "slb:DescribeLoadBalancerListeners",
        json!({"Listeners": [listener("tcp", "off"), listener("udp", "on")]}),
    )])
    .unwrap();
    let kind = AssetKind::Other("ACS::SLB::Listener");
    assert_eq!(find(&assets, kind, "lb-1:53").fields.get("acl_status"), Some(&Slot::Known(json!("off"))));
    assert_eq!(find(&assets, kind, "lb-1:53/udp").fields.get("acl_status"), Some(&Slot::Known(json!("on"))));
    let xml = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>";
    let err = ingest(&[with("oss:GetBucketTagging", ("BucketName", "b"), json!(xml))]).unwrap_err();
    assert!(err.to_string().contains("AccessDenied"), "{err}");
}

/// serde_json stops at 128 levels (nothing in the workspace disables its
/// recursion limit): an import body nested 10,000 deep, and JSON carried as
/// text inside a response (ACK `meta_data`) or a parameter (`InstanceIds`),
/// is an error, not a stack overflow.
#[test]
fn deeply_nested_json_is_refused() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = format!(r#"[{{"api": "ecs:DescribeInstances", "response": {deep}}}]"#);
    let err = serde_json::from_str::<Vec<ApiResponse>>(&body).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
    let ack = with("cs:DescribeClusterDetail", ("ClusterId", "c-1"), json!({ "meta_data": deep }));
    let err = ingest(&[ack]).unwrap_err().to_string();
    assert!(err.contains("meta_data is not JSON") && err.contains("recursion limit"), "{err}");
    let roles = with(
        "ecs:DescribeInstanceRamRole",
        ("InstanceIds", &deep),
        json!({"InstanceRamRoleSets": {"InstanceRamRoleSet": []}}),
    );
    let err = ingest(&[roles]).unwrap_err().to_string();
    assert!(err.contains("ecs:DescribeInstanceRamRole") && err.contains("InstanceIds"), "{err}");
}

/// A list the API answers (`Instances.Instance`, or its lone object) that
/// holds another JSON type is refused with its path; it is not "no resources".
#[test]
fn a_list_of_the_wrong_type_is_refused() {
    let err = |api: &str, body: Value| ingest(&[resp(api, body)]).unwrap_err().to_string();
    let instances = "ecs:DescribeInstances: Instances.Instance must be a list";
    assert_eq!(err("ecs:DescribeInstances", json!({"Instances": "x"})), format!("{instances}, got a string"));
    assert_eq!(
        err("ecs:DescribeInstances", json!({"Instances": {"Instance": "x"}})),
        format!("{instances}, got a string")
    );
    assert_eq!(
        err("ecs:DescribeInstances", json!({"Instances": {"Instance": 3}})),
        format!("{instances}, got a number")
    );
    assert_eq!(
        err("ecs:DescribeInstances", json!({"Instances": {"Instance": [{"InstanceId": "i-1"}, "i-2"]}})),
        "ecs:DescribeInstances: Instances.Instance[1] must be an object, got a string"
    );
    // The same for the calls read by mappings and by the derived readers.
    assert_eq!(
        err("slb:DescribeLoadBalancers", json!({"LoadBalancers": {"LoadBalancer": true}})),
        "slb:DescribeLoadBalancers: LoadBalancers.LoadBalancer must be a list, got a boolean"
    );
    assert_eq!(
        err("vpc:DescribeEipAddresses", json!({"EipAddresses": 5})),
        "vpc:DescribeEipAddresses: EipAddresses.EipAddress must be a list, got a number"
    );
    assert_eq!(
        err("slb:DescribeLoadBalancerListeners", json!({"Listeners": "x"})),
        "slb:DescribeLoadBalancerListeners: Listeners must be a list, got a string"
    );
    let alert = json!({"name": "a", "status": "ENABLED", "configuration": {"queryList": "* | select 1"}});
    assert_eq!(
        err("sls:ListAlerts", json!({ "results": [alert] })),
        "sls:ListAlerts: results[0].configuration.queryList must be a list, got a string"
    );
    // A list a mapped field reads (`BackendServers.BackendServer[].ServerId`).
    for servers in [json!("x"), json!({"BackendServer": "x"})] {
        let detail =
            with("slb:DescribeLoadBalancerAttribute", ("LoadBalancerId", "lb-1"), json!({"BackendServers": servers}));
        assert_eq!(
            ingest(&[detail]).unwrap_err().to_string(),
            "slb:DescribeLoadBalancerAttribute: BackendServers.BackendServer must be a list, got a string"
        );
    }
}

/// A list the response leaves out, or leaves empty, is still an empty list.
#[test]
fn a_missing_or_empty_list_is_still_empty() {
    for body in [
        json!({"Instances": {}}),
        json!({"Instances": {"Instance": []}}),
        json!({"Instances": null}),
        json!({"Instances": {"Instance": null}}),
        // An empty XML element reads as "".
        json!({"Instances": ""}),
        json!({"Instances": {"Instance": ""}}),
    ] {
        assert_eq!(ingest(&[resp("ecs:DescribeInstances", body.clone())]).unwrap(), vec![], "{body}");
    }
}

#[test]
fn ids_are_short_printable_strings() {
    let instances = |id: Value| {
        let items = json!([{"InstanceId": "i-1"}, {"InstanceId": "i-2"}, {"InstanceId": id}]);
        resp("ecs:DescribeInstances", json!({ "Instances": { "Instance": items } }))
    };
    let expected =
        "ecs:DescribeInstances: Instances.Instance[2].InstanceId must be a string of 1 to 256 printable characters";
    for id in [json!(42), json!("i".repeat(100_000)), json!("i-\u{0}3"), json!("i-\n3"), json!(""), json!(["i-3"])] {
        let err = ingest(&[instances(id.clone())]).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{id}: {err}");
    }
    let err = ingest(&[instances(Value::Null)]).unwrap_err().to_string();
    assert_eq!(err, "ecs:DescribeInstances: Instances.Instance[2] lacks InstanceId");
    assert_eq!(ingest(&[instances(json!("i".repeat(256)))]).unwrap().len(), 3);
    // In a list a mapping reads, in one a derived reader reads, and in the body.
    let err = ingest(&[resp(
        "slb:DescribeLoadBalancers",
        json!({"LoadBalancers": {"LoadBalancer": [{"LoadBalancerId": 7}]}}),
    )])
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("slb:DescribeLoadBalancers: LoadBalancers.LoadBalancer[0].LoadBalancerId must be"),
        "{err}"
    );
    let err = ingest(&[resp(
        "vpc:DescribeEipAddresses",
        json!({"EipAddresses": {"EipAddress": [{"AllocationId": "eip-\u{7}"}]}}),
    )])
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("vpc:DescribeEipAddresses: EipAddresses.EipAddress[0].AllocationId must be"), "{err}");
    let err = ingest(&[resp("ecs:DescribeSecurityGroupAttribute", json!({"SecurityGroupId": 12, "Permissions": {}}))])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("ecs:DescribeSecurityGroupAttribute: SecurityGroupId must be"), "{err}");
    // The request parameter naming the resource, for each kind of reader.
    let bad = "x".repeat(300);
    for r in [
        with("ram:ListAccessKeys", ("UserName", "bob\u{0}"), json!({"AccessKeys": {"AccessKey": []}})),
        with("rds:DescribeDBInstanceSSL", ("DBInstanceId", &bad), json!({"SSLEnabled": "on"})),
        with("slb:DescribeLoadBalancerAttribute", ("LoadBalancerId", "lb-\r"), json!({})),
        with("ram:ListPoliciesForRole", ("RoleName", &bad), json!({"Policies": {"Policy": []}})),
    ] {
        let err = ingest(std::slice::from_ref(&r)).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: params.", r.api)) && err.contains("printable characters"), "{err}");
    }
}

#[test]
fn names_and_regions_are_bounded_printable_text() {
    let instance = |name: &str, region: &str| {
        let item = json!({"InstanceId": "i-1", "InstanceName": name, "RegionId": region});
        resp("ecs:DescribeInstances", json!({ "Instances": { "Instance": [item] } }))
    };
    let long = "n".repeat(1025);
    for (name, region, path) in [
        (long.as_str(), "cn-hangzhou", "InstanceName"),
        ("web\n1", "cn-hangzhou", "InstanceName"),
        ("web", "cn-\u{0}", "RegionId"),
    ] {
        let err = ingest(&[instance(name, region)]).unwrap_err().to_string();
        let expected = format!("ecs:DescribeInstances: Instances.Instance[0].{path} must be text of at most 1024");
        assert!(err.starts_with(&expected), "{err}");
    }
    let assets = ingest(&[instance(&"n".repeat(1024), "cn-hangzhou")]).unwrap();
    assert_eq!(assets[0].name.as_deref().map(str::len), Some(1024));
    // A mapped list's names too.
    let lb = json!({"LoadBalancers": {"LoadBalancer": [{"LoadBalancerId": "lb-1", "LoadBalancerName": "a\tb"}]}});
    let err = ingest(&[resp("slb:DescribeLoadBalancers", lb)]).unwrap_err().to_string();
    assert!(
        err.starts_with("slb:DescribeLoadBalancers: LoadBalancers.LoadBalancer[0].LoadBalancerName must be"),
        "{err}"
    );
}

/// Other text an asset keeps may hold line breaks (policy documents do), but
/// no other control character, and is bounded.
#[test]
fn other_text_keeps_line_breaks_but_no_other_control_characters() {
    let policy = |document: &str| {
        [
            resp("ram:ListPolicies", json!({"Policies": {"Policy": [{"PolicyName": "p", "PolicyType": "Custom"}]}})),
            with("ram:GetPolicyVersion", ("PolicyName", "p"), json!({"PolicyVersion": {"PolicyDocument": document}})),
        ]
    };
    let document = "{\n  \"Version\": \"1\",\r\n\t\"Statement\": []\n}";
    let assets = ingest(&policy(document)).unwrap();
    assert_eq!(assets[0].fields.get("policy_document"), Some(&Slot::Known(json!(document))));
    let err = ingest(&policy("{\u{0}}")).unwrap_err().to_string();
    assert!(err.contains("ram:GetPolicyVersion") && err.contains("PolicyDocument"), "{err}");
    let err = ingest(&policy(&"x".repeat(64 * 1024 + 1))).unwrap_err().to_string();
    assert!(err.contains("PolicyDocument") && err.contains("65536"), "{err}");
    // Where no mapping reads the value, the check of every asset still holds
    // it; the asset and what is wrong are named. Alert queries span lines.
    let alerts = |query: &str| {
        let alert = json!({"name": "a", "status": "ENABLED", "configuration": {"queryList": [{"query": query}]}});
        with("sls:ListAlerts", ("project", "p"), json!({ "results": [alert] }))
    };
    assert!(ingest(&[alerts("* | select\n  count(*)")]).is_ok());
    let err = ingest(&[alerts("* | select \u{1b}[31m")]).unwrap_err();
    assert!(matches!(err, IngestError::Invalid { .. }), "{err:?}");
    let err = err.to_string();
    assert!(err.starts_with("ACS::SLS::AlertRules \"account\": its enabled_alert_queries holds text"), "{err}");
    // A mapped call's value is refused where it is read, with the call and path.
    let disk = json!({"Disks": {"Disk": [{"DiskId": "d-1", "KMSKeyId": "key\u{1b}[31m"}]}});
    let err = ingest(&[resp("ecs:DescribeDisks", disk)]).unwrap_err().to_string();
    assert!(err.starts_with("ecs:DescribeDisks: Disks.Disk[0].KMSKeyId must be text"), "{err}");
}
