//! Which host answers a product's API in a region, its API version, and its
//! style. One base-URL override replaces every host: the emulator in tests
//! and the demo, and users behind VPC endpoints or proxies.

/// How a product's operations are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Action in `x-acs-action`, parameters in the query string.
    Rpc,
    /// A resource path per operation, JSON bodies.
    Roa,
    /// OSS: its own REST API and signature.
    Oss,
}

/// Where a product's endpoint lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// `<host>.<region>.aliyuncs.com`
    Regional,
    /// One endpoint for every region (`ram.aliyuncs.com`).
    Central,
    /// One endpoint per site: China, and outside China.
    PerSite { cn: &'static str, intl: &'static str },
    /// `<account>.<region>.<host>.aliyuncs.com` (Function Compute).
    PerAccount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// The name in `<product>:<Api>` (`ecs:DescribeInstances`).
    pub name: &'static str,
    pub version: &'static str,
    pub style: Style,
    /// The host's first label.
    host: &'static str,
    scope: Scope,
}

const fn product(name: &'static str, version: &'static str, style: Style, host: &'static str, scope: Scope) -> Product {
    Product { name, version, style, host, scope }
}

use Scope::*;
use Style::*;

/// Every product the collector calls.
pub const PRODUCTS: &[Product] = &[
    product("ecs", "2014-05-26", Rpc, "ecs", Regional),
    product("vpc", "2016-04-28", Rpc, "vpc", Regional),
    product("rds", "2014-08-15", Rpc, "rds", Regional),
    product("ram", "2015-05-01", Rpc, "ram", Central),
    product("ims", "2019-08-15", Rpc, "ims", Central),
    product(
        "sts",
        "2015-04-01",
        Rpc,
        "sts",
        PerSite { cn: "sts.aliyuncs.com", intl: "sts.ap-southeast-1.aliyuncs.com" },
    ),
    product(
        "sas",
        "2018-12-03",
        Rpc,
        "tds",
        PerSite { cn: "tds.cn-shanghai.aliyuncs.com", intl: "tds.ap-southeast-1.aliyuncs.com" },
    ),
    product("slb", "2014-05-15", Rpc, "slb", Regional),
    product("alb", "2020-06-16", Rpc, "alb", Regional),
    product("nlb", "2022-04-30", Rpc, "nlb", Regional),
    product("actiontrail", "2020-07-06", Rpc, "actiontrail", Regional),
    product("kms", "2016-01-20", Rpc, "kms", Regional),
    product("cs", "2015-12-15", Roa, "cs", Regional),
    product("r-kvstore", "2015-01-01", Rpc, "r-kvstore", Regional),
    product("polardb", "2017-08-01", Rpc, "polardb", Regional),
    product("dds", "2015-12-01", Rpc, "mongodb", Regional),
    product("cloudapi", "2016-07-14", Rpc, "apigateway", Regional),
    product("nas", "2017-06-26", Rpc, "nas", Regional),
    product("mse", "2019-05-31", Rpc, "mse", Regional),
    product("ess", "2014-08-28", Rpc, "ess", Regional),
    product("cr", "2018-12-01", Rpc, "cr", Regional),
    product("alikafka", "2019-09-16", Rpc, "alikafka", Regional),
    product("hbase", "2019-01-01", Rpc, "hbase", Regional),
    product("elasticsearch", "2017-06-13", Roa, "elasticsearch", Regional),
    product("fc", "2021-04-06", Roa, "fc", PerAccount),
    product("oss", "2019-05-17", Oss, "oss", Regional),
];

pub fn find(name: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.name == name)
}

/// The product a host belongs to (`ecs.cn-hangzhou.aliyuncs.com` → ECS,
/// `mongodb.…` → `dds`, `oss-cn-shanghai.…` → OSS), for servers that answer
/// every product on one address.
pub fn product_of_host(host: &str) -> Option<&'static Product> {
    let host = host.split(':').next().unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    let first = *labels.first()?;
    if first.starts_with("oss-") {
        return find("oss");
    }
    PRODUCTS.iter().find(|p| match p.scope {
        PerSite { cn, intl } => host == cn || host == intl,
        PerAccount => labels.get(2) == Some(&p.host),
        _ => first == p.host,
    })
}

/// The site an account is on: endpoints of some central services differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Cn,
    Intl,
}

/// Where requests go: the real endpoints, or one base URL for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoints {
    Real {
        site: Site,
    },
    /// `http://127.0.0.1:9000` or `https://proxy.internal`: every product,
    /// every region; the host is still told which one was meant (`host`
    /// header of the signed request).
    Override {
        base: String,
    },
}

impl Endpoints {
    /// The endpoints of an account on `site` (`cn` or `intl`), or the one
    /// base URL `base` when it is not empty.
    pub fn of(site: &str, base: &str) -> Self {
        match base.is_empty() {
            true => Endpoints::Real { site: if site == "intl" { Site::Intl } else { Site::Cn } },
            false => Endpoints::Override { base: base.to_owned() },
        }
    }

    /// Where account-wide questions (regions, buckets) are asked.
    pub fn home_region(&self) -> &'static str {
        match self {
            Endpoints::Real { site: Site::Intl } => "ap-southeast-1",
            _ => "cn-hangzhou",
        }
    }
}

/// A resolved endpoint: the URL to connect to and the host the request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub base_url: String,
    pub host: String,
}

impl Endpoints {
    /// The host of `product` in `region` for the tenant `account` (the
    /// region is ignored by central products, the account by all but FC).
    pub fn host(product: &Product, region: &str, account: &str, site: Site) -> String {
        match product.scope {
            Central => format!("{}.aliyuncs.com", product.host),
            PerAccount => format!("{account}.{region}.{}.aliyuncs.com", product.host),
            PerSite { cn, intl } => (if site == Site::Cn { cn } else { intl }).to_owned(),
            // OSS names regions `oss-<region>`.
            Regional if product.style == Oss => format!("oss-{region}.aliyuncs.com"),
            Regional => format!("{}.{region}.aliyuncs.com", product.host),
        }
    }

    pub fn target(&self, product: &Product, region: &str, account: &str) -> Target {
        match self {
            Endpoints::Real { site } => {
                let host = Self::host(product, region, account, *site);
                Target { base_url: format!("https://{host}"), host }
            }
            Endpoints::Override { base } => Target {
                base_url: base.trim_end_matches('/').to_owned(),
                host: Self::host(product, region, account, Site::Cn),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_follow_each_products_scope() {
        let real = Endpoints::Real { site: Site::Cn };
        let t = |p: &str, r: &str| real.target(find(p).unwrap(), r, "1234567890123456").host;
        assert_eq!(t("ecs", "cn-hangzhou"), "ecs.cn-hangzhou.aliyuncs.com");
        assert_eq!(t("ram", "cn-hangzhou"), "ram.aliyuncs.com");
        assert_eq!(t("dds", "cn-beijing"), "mongodb.cn-beijing.aliyuncs.com");
        assert_eq!(t("oss", "cn-shanghai"), "oss-cn-shanghai.aliyuncs.com");
        assert_eq!(t("fc", "cn-shanghai"), "1234567890123456.cn-shanghai.fc.aliyuncs.com");
        let intl = Endpoints::Real { site: Site::Intl };
        assert_eq!(intl.target(find("sts").unwrap(), "eu-central-1", "1").host, "sts.ap-southeast-1.aliyuncs.com");
        assert_eq!(
            real.target(find("ecs").unwrap(), "cn-hangzhou", "1").base_url,
            "https://ecs.cn-hangzhou.aliyuncs.com"
        );
        let local = Endpoints::Override { base: "http://127.0.0.1:9000/".into() };
        let target = local.target(find("ecs").unwrap(), "cn-hangzhou", "1");
        assert_eq!(
            (target.base_url.as_str(), target.host.as_str()),
            ("http://127.0.0.1:9000", "ecs.cn-hangzhou.aliyuncs.com")
        );
    }

    /// Every product the OpenAPI adapter reads has an endpoint.
    #[test]
    fn every_product_the_adapters_read_has_an_endpoint() {
        for api in cspm_assets::openapi::supported() {
            let product = api.split(':').next().unwrap_or_default();
            // Log Service signs with its own scheme; it is collected by its own client.
            if product == "sls" {
                continue;
            }
            assert!(find(product).is_some(), "no endpoint for {api}");
        }
    }

    /// The versions match Alibaba's API metadata where the oracle has the product.
    #[test]
    fn versions_match_the_api_metadata() {
        let Some(doc) = crate::api_metadata() else { return };
        let known: std::collections::BTreeSet<String> =
            doc["apis"].as_object().unwrap().keys().filter_map(|k| k.split(':').next().map(str::to_owned)).collect();
        let mut checked = 0;
        for p in PRODUCTS {
            if known.iter().any(|k| k.starts_with(&format!("{}/", p.name))) {
                assert!(known.contains(&format!("{}/{}", p.name, p.version)), "{} {}: {known:?}", p.name, p.version);
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} products checked");
    }
}
