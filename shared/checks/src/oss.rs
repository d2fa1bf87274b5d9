//! OSS: bucket ACLs and server-side encryption.

use crate::item::*;
use cspm_assets::{Asset, AssetKind, AssetSpec};

const fn bucket_item(
    id: &'static str,
    name: &'static str,
    free: bool,
    standards: &'static [&'static str],
    description: &'static str,
    solution: &'static str,
    eval: fn(&Asset, &Context) -> Evaluation,
) -> Check {
    Check {
        meta: CheckMeta {
            id,
            name,
            vendor: "ALIYUN",
            product: "OSS",
            resource_type: AssetKind::OssBucket,
            category: Category::DataSecurity,
            risk: Risk::High,
            free,
            fix: FixSupport::FixAndRollback,
            params: &[],
            standards,
            description,
            solution,
        },
        eval: Eval::Code(eval),
    }
}

/// A finding when the bucket's ACL is one of `bad`.
fn acl_check(a: &Asset, bad: &[&str]) -> Evaluation {
    let AssetSpec::OssBucket(b) = &a.spec else {
        return Evaluation::missing("the bucket's ACL and encryption (oss:GetBucketInfo)");
    };
    let Some(acl) = &b.acl else { return Evaluation::missing("AccessControlList.Grant") };
    Evaluation::from_findings(
        bad.contains(&acl.as_str())
            .then(|| Finding::new("AccessControlList.Grant", acl, "private"))
            .into_iter()
            .collect(),
    )
}

static PUBLIC_READ: Check = bucket_item(
    "oss-bucket-public-read-prohibited",
    "OSS buckets are not publicly readable",
    true,
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 5.1"],
    "Anyone on the Internet can list and download the objects of a public-read bucket.",
    "OSS console > the bucket > Permission Control > ACL: set Private, and grant access with bucket policies or RAM.",
    |a, _| acl_check(a, &["public-read", "public-read-write"]),
);

static PUBLIC_WRITE: Check = bucket_item(
    "oss-bucket-public-write-prohibited",
    "OSS buckets are not publicly writable",
    true,
    &[],
    "Anyone on the Internet can upload to, overwrite and delete from a public-read-write bucket.",
    "OSS console > the bucket > Permission Control > ACL: set Private.",
    |a, _| acl_check(a, &["public-read-write"]),
);

static SSE: Check = bucket_item(
    "oss-bucket-server-side-encryption-enabled",
    "OSS buckets encrypt objects at rest",
    false,
    &[],
    "Without server-side encryption, objects are stored in plaintext.",
    "OSS console > the bucket > Content Security > Server-side Encryption: choose OSS-managed (AES256) or KMS.",
    |a, _| {
        let AssetSpec::OssBucket(b) = &a.spec else {
            return Evaluation::missing("the bucket's ACL and encryption (oss:GetBucketInfo)");
        };
        match b.sse_configured {
            None => Evaluation::missing("ServerSideEncryptionRule"),
            Some(true) => Evaluation::pass(),
            Some(false) => Evaluation::from_findings(vec![Finding::new(
                "ServerSideEncryptionRule.SSEAlgorithm",
                "None",
                "AES256, KMS or SM4",
            )]),
        }
    },
);

pub(crate) static CHECKS: &[&Check] = &[&PUBLIC_READ, &PUBLIC_WRITE, &SSE];
