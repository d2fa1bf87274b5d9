//! ECS instances on an operating system release past its end of life: no
//! more security fixes. The release is read from the public image's id
//! (`centos_7_9_x64_20G_alibase_….vhd`, the same in templates and in
//! `ecs:DescribeInstances`) or, at runtime, the instance's `OSName`.

use crate::item::*;
use chrono::NaiveDate;
use cspm_assets::{Asset, AssetKind};
use serde_json::Value;

/// Releases and the day their vendor's last security support ends or ended
/// (for Ubuntu the end of standard support, for Debian of LTS). A name matches
/// when it starts with one of the spellings followed by a separator, or, where
/// point releases are written glued on (`ubuntu_16_0402`, `ubuntu_140405`), a digit.
/// A release not listed is not judged: it might be current or long gone.
struct EndOfLife {
    release: &'static str,
    spellings: &'static [&'static str],
    /// Year, month, day.
    ended: (i32, u32, u32),
    glued_point_releases: bool,
}

const fn eol(release: &'static str, spellings: &'static [&'static str], ended: (i32, u32, u32)) -> EndOfLife {
    EndOfLife { release, spellings, ended, glued_point_releases: false }
}

const fn ubuntu(release: &'static str, spellings: &'static [&'static str], ended: (i32, u32, u32)) -> EndOfLife {
    EndOfLife { release, spellings, ended, glued_point_releases: true }
}

const END_OF_LIFE: &[EndOfLife] = &[
    eol("CentOS Stream 8", &["centos_stream_8"], (2024, 5, 31)),
    eol("CentOS Stream 9", &["centos_stream_9"], (2027, 5, 31)),
    eol("CentOS 5", &["centos_5"], (2017, 3, 31)),
    eol("CentOS 6", &["centos_6"], (2020, 11, 30)),
    eol("CentOS 7", &["centos_7"], (2024, 6, 30)),
    eol("CentOS 8", &["centos_8"], (2021, 12, 31)),
    ubuntu("Ubuntu 14.04", &["ubuntu_14_04", "ubuntu_1404"], (2019, 4, 30)),
    ubuntu("Ubuntu 16.04", &["ubuntu_16_04", "ubuntu_1604"], (2021, 4, 30)),
    ubuntu("Ubuntu 18.04", &["ubuntu_18_04", "ubuntu_1804"], (2023, 5, 31)),
    ubuntu("Ubuntu 20.04", &["ubuntu_20_04", "ubuntu_2004"], (2025, 5, 31)),
    ubuntu("Ubuntu 22.04", &["ubuntu_22_04", "ubuntu_2204"], (2027, 4, 30)),
    ubuntu("Ubuntu 24.04", &["ubuntu_24_04", "ubuntu_2404"], (2029, 4, 30)),
    eol("Debian 8", &["debian_8"], (2020, 6, 30)),
    eol("Debian 9", &["debian_9"], (2022, 6, 30)),
    eol("Debian 10", &["debian_10"], (2024, 6, 30)),
    eol("Debian 11", &["debian_11"], (2026, 8, 31)),
    eol("Debian 12", &["debian_12"], (2028, 6, 30)),
    eol("Windows Server 2003", &["win2003", "windows_server_2003"], (2015, 7, 14)),
    eol("Windows Server 2008", &["win2008", "win2008r2", "windows_server_2008"], (2020, 1, 14)),
    eol("Windows Server 2012", &["win2012", "win2012r2", "windows_server_2012"], (2023, 10, 10)),
    eol("Windows Server 2016", &["win2016", "windows_server_2016"], (2027, 1, 12)),
    eol("Windows Server 2019", &["win2019", "windows_server_2019"], (2029, 1, 9)),
    eol("Windows Server 2022", &["win2022", "windows_server_2022"], (2031, 10, 14)),
    eol("Red Hat Enterprise Linux 6", &["rhel_6", "red_hat_enterprise_linux_6"], (2020, 11, 30)),
    eol("Red Hat Enterprise Linux 7", &["rhel_7", "red_hat_enterprise_linux_7"], (2024, 6, 30)),
    eol("Red Hat Enterprise Linux 8", &["rhel_8", "red_hat_enterprise_linux_8"], (2029, 5, 31)),
    eol("Red Hat Enterprise Linux 9", &["rhel_9", "red_hat_enterprise_linux_9"], (2032, 5, 31)),
    eol("Rocky Linux 8", &["rockylinux_8", "rocky_linux_8"], (2029, 5, 31)),
    eol("Rocky Linux 9", &["rockylinux_9", "rocky_linux_9"], (2032, 5, 31)),
    eol("FreeBSD 11", &["freebsd_11"], (2021, 9, 30)),
    eol("FreeBSD 12", &["freebsd_12"], (2023, 12, 31)),
    eol("Alibaba Cloud Linux 2", &["aliyun_2", "aliyun_linux_2", "alibaba_cloud_linux_2"], (2024, 3, 31)),
    eol("Alibaba Cloud Linux 3", &["aliyun_3", "alibaba_cloud_linux_3"], (2031, 4, 30)),
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
        let boundary = |rest: &str| {
            rest.is_empty()
                || rest.starts_with('_')
                || (e.glued_point_releases && rest.starts_with(|c: char| c.is_ascii_digit()))
        };
        let matches = e.spellings.iter().any(|s| name.strip_prefix(s).is_some_and(boundary));
        let (y, m, d) = e.ended;
        matches.then(|| NaiveDate::from_ymd_opt(y, m, d).map(|day| (e.release, day))).flatten()
    })
}

fn text<'a>(a: &'a Asset, field: &str) -> Result<Option<&'a str>, Evaluation> {
    readable_field(a, field).map(|v| v.and_then(Value::as_str))
}

fn evaluate(a: &Asset, ctx: &Context) -> Evaluation {
    let image = match text(a, "image_id") {
        Ok(image) => image,
        Err(e) => return e,
    };
    // A custom image (`m-…`) does not name its release; the OS name does, at runtime.
    let os_name = text(a, "os_name").ok().flatten();
    let named = [("ImageId", image), ("OSName", os_name)]
        .into_iter()
        .find_map(|(field, name)| release(name?).map(|r| (field, r)));
    match named {
        Some((field, (release, ended))) if ended < ctx.now.date_naive() => {
            Evaluation::from_findings(vec![Finding::new(
                field,
                format!("{release} (support ended {ended})"),
                "a supported OS release",
            )])
        }
        Some(_) => Evaluation::pass(),
        None if image.is_none() && os_name.is_none() => {
            Evaluation::not_check("NotApplicable: the instance names no image")
        }
        None if os_name.is_none() && image.is_some_and(|i| i.starts_with("m-")) => Evaluation::not_check(
            "MissingData: a custom image does not name its OS release; import ecs:DescribeInstances (OSName)",
        ),
        None => Evaluation::not_check("NotApplicable: an OS release this item has no support dates for"),
    }
}

static IMAGE_END_OF_LIFE: Check = Check {
    meta: CheckMeta {
        id: "ecs-instance-image-expired-check",
        name: "ECS instances do not run an operating system past its end of life",
        description: "An operating system past its end of life gets no security fixes: every vulnerability found from then on stays open on the host.",
        solution: "Move the workload to an instance built from a supported image (e.g. Alibaba Cloud Linux 3, Ubuntu 22.04/24.04, Debian 12, Windows Server 2019/2022), or replace the system disk with one.",
        ..base_meta("ECS", AssetKind::EcsInstance, Category::BasicProtection, Risk::Medium)
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
        // Current releases are listed too (with future dates), so they pass until then.
        assert_eq!(release("aliyun_3_x64_20G_alibase_20240819.vhd").map(|r| r.0), Some("Alibaba Cloud Linux 3"));
        assert_eq!(release("Aliyun Linux  2.1903 LTS 64位").map(|r| r.0), Some("Alibaba Cloud Linux 2"));
        assert_eq!(release("ubuntu_22_04_x64_20G_alibase_20240926.vhd").map(|r| r.0), Some("Ubuntu 22.04"));
        assert_eq!(release("debian_12_6_x64_20G_alibase_20240823.vhd").map(|r| r.0), Some("Debian 12"));
        assert_eq!(release("centos_stream_9_x64_20G_alibase_20240820.vhd").map(|r| r.0), Some("CentOS Stream 9"));
        // Point releases glued onto Ubuntu's version; no glue elsewhere.
        assert_eq!(release("ubuntu_16_0402_64_20G_alibase_20170818.vhd").map(|r| r.0), Some("Ubuntu 16.04"));
        assert_eq!(release("ubuntu_140405_64_40G_cloudinit_20161115.vhd").map(|r| r.0), Some("Ubuntu 14.04"));
        assert_eq!(release("debian_100_x64.vhd"), None);
        assert_eq!(release("fedora_39_x64_20G_alibase_20240101.vhd"), None);
    }

    #[test]
    fn every_support_date_is_a_date() {
        for e in END_OF_LIFE {
            let (y, m, d) = e.ended;
            assert!(NaiveDate::from_ymd_opt(y, m, d).is_some(), "{}", e.release);
        }
    }
}
