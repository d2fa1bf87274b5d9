//! ECS: security groups open to the Internet, unencrypted disks, public IPs,
//! hosts Security Center does not protect or finds unpatched.

use crate::item::*;
use cspm_assets::{Asset, AssetKind, AssetSpec, SecurityGroup, Slot};
use serde_json::Value;

fn group(asset: &Asset) -> Option<&SecurityGroup> {
    match &asset.spec {
        AssetSpec::SecurityGroup(g) => Some(g),
        _ => None,
    }
}

/// Findings for accept rules open to the Internet that cover `port` with a
/// protocol that carries it. A drop rule of higher or equal priority (lower
/// number) for the same source wins, as on ECS.
fn open_port_findings(g: &SecurityGroup, port: u16) -> Vec<Finding> {
    let carries = |p: &str| matches!(p, "tcp" | "all");
    let dropped = |priority: u32| {
        g.rules.iter().any(|r| {
            r.direction == cspm_assets::Direction::Ingress
                && !r.accept
                && r.priority <= priority
                && carries(&r.protocol)
                && r.covers_port(port)
                && r.cidr.as_deref().is_some_and(|c| matches!(c, "0.0.0.0/0" | "::/0"))
        })
    };
    g.rules
        .iter()
        .filter(|r| r.open_to_internet() && carries(&r.protocol) && r.covers_port(port) && !dropped(r.priority))
        .map(|r| {
            let range = r.ports.map_or_else(|| "-1/-1".to_owned(), |(lo, hi)| format!("{lo}/{hi}"));
            Finding::new(
                "Permissions.Permission",
                format!("{} {range} from {}", r.protocol, r.cidr.as_deref().unwrap_or_default()),
                format!("port {port} not open to 0.0.0.0/0"),
            )
        })
        .collect()
}

const fn group_item(
    id: &'static str,
    name: &'static str,
    free: bool,
    standards: &'static [&'static str],
    description: &'static str,
    eval: fn(&Asset, &Context) -> Evaluation,
) -> Check {
    Check {
        meta: CheckMeta {
            id,
            name,
            vendor: "ALIYUN",
            product: "ECS",
            resource_type: AssetKind::SecurityGroup,
            category: Category::NetworkAccessControl,
            risk: Risk::High,
            free,
            fix: FixSupport::FixAndRollback,
            params: &[],
            standards,
            description,
            solution: "ECS console > Security Groups > the group > Rules: narrow the source of the offending inbound rule to known addresses, or delete it.",
        },
        eval: Eval::Code(eval),
    }
}

static SSH: Check = group_item(
    "ecs-security-group-ssh-not-open-to-internet",
    "Security groups do not open SSH (22) to 0.0.0.0/0",
    false,
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 3.2", "CIS Alibaba Cloud Foundations Benchmark v2.0 4.3"],
    "SSH open to the whole Internet invites brute force and exploits against sshd.",
    |a, _| match group(a) {
        Some(g) => Evaluation::from_findings(open_port_findings(g, 22)),
        None => Evaluation::missing("the group's rules (ecs:DescribeSecurityGroupAttribute)"),
    },
);

static RDP: Check = group_item(
    "ecs-security-group-rdp-not-open-to-internet",
    "Security groups do not open RDP (3389) to 0.0.0.0/0",
    false,
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 4.4"],
    "RDP open to the whole Internet invites brute force and remote exploits.",
    |a, _| match group(a) {
        Some(g) => Evaluation::from_findings(open_port_findings(g, 3389)),
        None => Evaluation::missing("the group's rules (ecs:DescribeSecurityGroupAttribute)"),
    },
);

static ALL_PORTS: Check = group_item(
    "ecs-security-group-not-open-all-port",
    "Security groups do not accept inbound traffic on all ports",
    true,
    &[],
    "An inbound rule accepting every port (-1/-1) exposes every service on the instances, whatever its source.",
    |a, _| {
        let Some(g) = group(a) else {
            return Evaluation::missing("the group's rules (ecs:DescribeSecurityGroupAttribute)");
        };
        Evaluation::from_findings(
            g.rules
                .iter()
                .filter(|r| r.direction == cspm_assets::Direction::Ingress && r.accept && r.covers_all_ports())
                .map(|r| {
                    Finding::new(
                        "Permissions.Permission",
                        format!("{} -1/-1 from {}", r.protocol, r.cidr.as_deref().unwrap_or("any source")),
                        "inbound rules that name their ports",
                    )
                })
                .collect(),
        )
    },
);

static DISK_ENCRYPTED: Check = Check {
    meta: CheckMeta {
        id: "ecs-disk-encrypted",
        name: "ECS disks are encrypted",
        standards: &[
            "CIS Alibaba Cloud Foundations Benchmark v2.0 4.1",
            "CIS Alibaba Cloud Foundations Benchmark v2.0 4.2",
        ],
        description: "Unencrypted disks and their snapshots expose data to anyone who obtains a copy.",
        solution: "Create an encrypted disk (KMS) from a snapshot of this one, switch the instance to it, and release the old disk.",
        ..base_meta("ECS", AssetKind::Disk, Category::DataSecurity, Risk::Medium)
    },
    eval: Eval::Code(|a, _| match &a.spec {
        AssetSpec::Disk(d) => match d.encrypted {
            None => Evaluation::missing("Encrypted"),
            Some(true) => Evaluation::pass(),
            Some(false) => Evaluation::from_findings(vec![Finding::new("Encrypted", false, "true")]),
        },
        _ => Evaluation::missing("the disk's attributes (ecs:DescribeDisks)"),
    }),
};

static NO_PUBLIC_IP: Check = Check {
    meta: CheckMeta {
        id: "ecs-instance-no-public-ip",
        name: "ECS instances have no public IP",
        description: "An instance with a public IP or EIP is reachable from the Internet; expose services through a load balancer or NAT instead.",
        solution: "Release the public IP (convert it to an EIP and unbind it) and reach the instance through SLB, NAT or a bastion host.",
        ..base_meta("ECS", AssetKind::EcsInstance, Category::NetworkAccessControl, Risk::High)
    },
    eval: Eval::Code(|a, _| match &a.spec {
        AssetSpec::EcsInstance(i) => {
            let mut findings: Vec<Finding> =
                i.public_ips.iter().map(|ip| Finding::new("PublicIpAddress", ip, "none")).collect();
            findings.extend(i.eip.iter().map(|ip| Finding::new("EipAddress", ip, "none")));
            Evaluation::from_findings(findings)
        }
        _ => Evaluation::missing("the instance's attributes (ecs:DescribeInstances)"),
    }),
};

static SECURITY_AGENT: Check = Check {
    meta: CheckMeta {
        id: "ecs-instance-security-agent-online",
        name: "ECS instances run an online Security Center agent",
        standards: &[
            "CIS Alibaba Cloud Foundations Benchmark v2.0 4.6",
            "CIS Alibaba Cloud Foundations Benchmark v2.0 8.2",
        ],
        description: "A host without a working agent gets no intrusion detection, vulnerability scan or baseline check: it is invisible to Security Center.",
        solution: "Security Center console > Assets > Host: install the agent on the host (one-click install for ECS), or bring an offline agent back online.",
        ..base_meta("ECS", AssetKind::EcsInstance, Category::BasicProtection, Risk::High)
    },
    eval: Eval::Code(|a, _| match &a.spec {
        AssetSpec::EcsInstance(i) => match i.agent_status.as_deref() {
            None => Evaluation::missing("ClientStatus (sas:DescribeCloudCenterInstances)"),
            Some("online") => Evaluation::pass(),
            Some(status) => Evaluation::from_findings(vec![Finding::new("ClientStatus", status, "online")]),
        },
        _ => Evaluation::missing("the instance's attributes (ecs:DescribeInstances)"),
    }),
};

/// A disk is in use when it is attached to an instance.
fn disk_attached(a: &Asset, _: &Context) -> Evaluation {
    match &a.spec {
        // A disk created with an instance id known only after deployment.
        AssetSpec::Disk(d)
            if d.instance_id.as_deref() == Some(cspm_assets::iac::UNKNOWN_NAME) && a.source.is_some() =>
        {
            Evaluation::not_check("Unknown: the instance the disk attaches to is known only after deployment")
        }
        AssetSpec::Disk(d) if d.instance_id.is_some() => Evaluation::pass(),
        AssetSpec::Disk(_) => {
            Evaluation::from_findings(vec![Finding::new("InstanceId", "none", "attached to an instance")])
        }
        _ => Evaluation::missing("the disk's attributes (ecs:DescribeDisks)"),
    }
}

/// What the idle-disk items share; each sets id and name.
const IDLE_DISK: CheckMeta = CheckMeta {
    description: "A detached disk is billed and keeps its data, unwatched: it is forgotten, then copied or restored by someone who should not.",
    solution: "Attach the disk to the instance it belongs to (DiskAttachment / alicloud_ecs_disk_attachment), or snapshot and release it.",
    ..base_meta("ECS", AssetKind::Disk, Category::BasicProtection, Risk::Low)
};

static DISK_IN_USE: Check = Check {
    meta: CheckMeta { id: "ecs-disk-in-use", name: "ECS disks are attached to an instance", ..IDLE_DISK },
    eval: Eval::Code(disk_attached),
};

static DISK_IDLE: Check = Check {
    meta: CheckMeta { id: "ecs-disk-idle-check", name: "No ECS disk sits idle, unattached", ..IDLE_DISK },
    eval: Eval::Code(disk_attached),
};

/// Necessity levels that must be patched: high (asap) and medium (later).
const MUST_PATCH: &[&str] = &["asap", "later"];

static OS_PATCHES: Check = Check {
    meta: CheckMeta {
        id: "ecs-instance-os-patches-applied",
        name: "ECS instances have no unpatched high or medium vulnerabilities",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 4.5"],
        description: "Known, unpatched vulnerabilities are the first thing an attacker tries: public exploits exist for most of them.",
        solution: "Security Center console > Vulnerabilities: fix the host's high (asap) and medium (later) vulnerabilities, or patch the OS and software packages, then verify.",
        ..base_meta("ECS", AssetKind::EcsInstance, Category::BasicProtection, Risk::High)
    },
    eval: Eval::Code(|a, _| match a.fields.get("open_vulnerabilities") {
        Some(Slot::Known(Value::Array(open))) => Evaluation::from_findings(
            open.iter()
                .filter(|v| v["necessity"].as_str().is_some_and(|n| MUST_PATCH.contains(&n)))
                .map(|v| {
                    Finding::new(
                        format!("vulnerability {}", v["name"].as_str().unwrap_or("?")),
                        v["necessity"].to_string(),
                        "fixed",
                    )
                })
                .collect(),
        ),
        Some(Slot::Absent) => Evaluation::not_check("NotApplicable: a template holds no vulnerability data"),
        _ => match &a.spec {
            AssetSpec::EcsInstance(i) if i.agent_status.as_deref().is_some_and(|s| s != "online") => {
                Evaluation::not_check(
                    "MissingData: the host's Security Center agent is not online, so its vulnerabilities are not known",
                )
            }
            _ => Evaluation::missing(
                "the host's agent (sas:DescribeCloudCenterInstances) and VulRecords (sas:DescribeVulList --Type cve for Linux, sys for Windows)",
            ),
        },
    }),
};

pub(crate) static CHECKS: &[&Check] =
    &[&SSH, &RDP, &ALL_PORTS, &DISK_ENCRYPTED, &DISK_IN_USE, &DISK_IDLE, &NO_PUBLIC_IP, &SECURITY_AGENT, &OS_PATCHES];
