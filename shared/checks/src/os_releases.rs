//! ECS instances on an operating system release past its end of life: no
//! more security fixes. The release is read from the public image's id
//! (`centos_7_9_x64_20G_alibase_….vhd`, the same in templates and in
//! `ecs:DescribeInstances`) or, at runtime, the instance's `OSName`.

use crate::item::*;
use chrono::NaiveDate;
use cspm_assets::{Asset, AssetKind, Slot};
use serde_json::Value;

/// Releases and the day their vendor's last security support ended (for
/// Ubuntu the end of standard support, for Debian of LTS). A name matches when
/// it starts with one of the spellings followed by a separator.
struct EndOfLife {
    release: &'static str,
    spellings: &'static [&'static str],
    /// Year, month, day.
    ended: (i32, u32, u32),
}

const fn eol(release: &'static str, spellings: &'static [&'static str], ended: (i32, u32, u32)) -> EndOfLife {
    EndOfLife { release, spellings, ended }
}

const END_OF_LIFE: &[EndOfLife] = &[
    eol("CentOS Stream 8", &["centos_stream_8"], (2024, 5, 31)),
    eol("CentOS 6", &["centos_6"], (2020, 11, 30)),
    eol("CentOS 7", &["centos_7"], (2024, 6, 30)),
    eol("CentOS 8", &["centos_8"], (2021, 12, 31)),
    eol("Ubuntu 14.04", &["ubuntu_14_04"], (2019, 4, 30)),
    eol("Ubuntu 16.04", &["ubuntu_16_04"], (2021, 4, 30)),
    eol("Ubuntu 18.04", &["ubuntu_18_04"], (2023, 5, 31)),
    eol("Ubuntu 20.04", &["ubuntu_20_04"], (2025, 5, 31)),
    eol("Debian 8", &["debian_8"], (2020, 6, 30)),
    eol("Debian 9", &["debian_9"], (2022, 6, 30)),
    eol("Debian 10", &["debian_10"], (2024, 6, 30)),
    eol("Debian 11", &["debian_11"], (2026, 8, 31)),
    eol("Windows Server 2008", &["win2008", "win2008r2", "windows_server_2008"], (2020, 1, 14)),
    eol("Windows Server 2012", &["win2012", "win2012r2", "windows_server_2012"], (2023, 10, 10)),
    eol("Red Hat Enterprise Linux 6", &["rhel_6", "red_hat_enterprise_linux_6"], (2020, 11, 30)),
    eol("Red Hat Enterprise Linux 7", &["rhel_7", "red_hat_enterprise_linux_7"], (2024, 6, 30)),
    eol("Alibaba Cloud Linux 2", &["aliyun_2", "alibaba_cloud_linux_2"], (2024, 3, 31)),
];

/// `CentOS  7.9 64位` and `centos_7_9_x64….vhd` alike: lower case, every run
/// of other characters one `_`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// The end-of-life entry a release name falls under, if any.
fn release(name: &str) -> Option<(&'static str, NaiveDate)> {
    let name = normalise(name);
    END_OF_LIFE.iter().find_map(|e| {
        let matches = e
            .spellings
            .iter()
            .any(|s| name.strip_prefix(s).is_some_and(|rest| rest.is_empty() || rest.starts_with('_')));
        let (y, m, d) = e.ended;
        matches.then(|| NaiveDate::from_ymd_opt(y, m, d).map(|day| (e.release, day))).flatten()
    })
}

fn text(a: &Asset, field: &str) -> Result<Option<String>, Evaluation> {
    match a.fields.get(field) {
        Some(Slot::Known(Value::String(s))) => Ok(Some(s.clone())),
        Some(Slot::Unknown) => Err(Evaluation::not_check(format!("Unknown: {field} is known only after deployment"))),
        Some(Slot::Unreported) => Err(Evaluation::missing(field)),
        _ => Ok(None),
    }
}

fn evaluate(a: &Asset, ctx: &Context) -> Evaluation {
    let image = match text(a, "image_id") {
        Ok(image) => image,
        Err(e) => return e,
    };
    // A custom image (`m-…`) does not name its release; the OS name does, at runtime.
    let os_name = text(a, "os_name").ok().flatten();
    let named = [image.as_deref(), os_name.as_deref()].into_iter().flatten().find_map(release);
    match named {
        Some((release, ended)) if ended < ctx.now.date_naive() => Evaluation::from_findings(vec![Finding::new(
            "ImageId",
            format!("{release} (support ended {ended})"),
            "a supported OS release",
        )]),
        Some(_) => Evaluation::pass(),
        None if image.is_none() => Evaluation::not_check("NotApplicable: the instance names no image"),
        None if image.as_deref().is_some_and(|i| i.starts_with("m-")) && os_name.is_none() => Evaluation::not_check(
            "MissingData: a custom image does not name its OS release; import ecs:DescribeInstances (OSName)",
        ),
        // A public image of a release with no end-of-life date yet, or of one not listed.
        None => Evaluation::pass(),
    }
}

static IMAGE_END_OF_LIFE: Check = Check {
    meta: CheckMeta {
        id: "ecs-instance-image-expired-check",
        name: "ECS instances do not run an operating system past its end of life",
        vendor: "ALIYUN",
        product: "ECS",
        resource_type: AssetKind::EcsInstance,
        category: Category::BasicProtection,
        risk: Risk::Medium,
        free: false,
        fix: FixSupport::None,
        params: &[],
        standards: &[],
        description: "An operating system past its end of life gets no security fixes: every vulnerability found from then on stays open on the host.",
        solution: "Move the workload to an instance built from a supported image (e.g. Alibaba Cloud Linux 3, Ubuntu 22.04/24.04, Debian 12, Windows Server 2019/2022), or replace the system disk with one.",
    },
    eval: Eval::Code(evaluate),
};

pub(crate) static CHECKS: &[&Check] = &[&IMAGE_END_OF_LIFE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_ids_and_os_names_name_one_release() {
        let centos7 = Some(("CentOS 7", NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()));
        assert_eq!(release("centos_7_9_x64_20G_alibase_20240628.vhd"), centos7);
        assert_eq!(release("CentOS  7.9 64位"), centos7);
        assert_eq!(
            release("win2012r2_64_dtc_9600_en-us_40G_alibase_20230915.vhd").map(|r| r.0),
            Some("Windows Server 2012")
        );
        assert_eq!(release("Windows Server  2012 R2 数据中心版 64位中文版").map(|r| r.0), Some("Windows Server 2012"));
        assert_eq!(release("win2012_64_dtc_9200_en-us_40G_alibase.vhd").map(|r| r.0), Some("Windows Server 2012"));
        assert_eq!(release("aliyun_2_1903_x64_20G_alibase_20240628.vhd").map(|r| r.0), Some("Alibaba Cloud Linux 2"));
        // Neighbours that are not the listed release.
        assert_eq!(release("aliyun_3_x64_20G_alibase_20240819.vhd"), None);
        assert_eq!(release("ubuntu_22_04_x64_20G_alibase_20240926.vhd"), None);
        assert_eq!(release("debian_12_6_x64_20G_alibase_20240823.vhd"), None);
        assert_eq!(release("centos_stream_9_x64_20G_alibase_20240820.vhd"), None);
    }
}
