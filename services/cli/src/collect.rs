//! Reading an Alibaba Cloud account into import-format documents: `cspm
//! collect` (against the real cloud, or an emulator with `--endpoint`) and
//! the demo (against the emulator in this process).

use cspm_cloud::client::{Client, ClientOptions};
use cspm_cloud::collect::{self, Collected};
use cspm_cloud::credentials::{Chain, CredentialsProvider, Refreshing};
use cspm_cloud::endpoints::{Endpoints, Site};
use cspm_cloud::sts::{AssumeRole, caller_identity};
use std::sync::Arc;

/// Where and as whom to read an account.
pub struct Source {
    pub endpoints: Endpoints,
    /// The tenant's account id.
    pub account_id: String,
    /// A role in that account the operator's credentials assume, if any.
    pub role_arn: Option<String>,
    /// The regions to read; none: every region the account can use.
    pub regions: Vec<String>,
}

impl Source {
    pub fn real(site: Site, account_id: String, role_arn: Option<String>, regions: Vec<String>) -> Self {
        Self { endpoints: Endpoints::Real { site }, account_id, role_arn, regions }
    }
}

/// Reads the account as `operator` (assuming the role, when one is named);
/// returns who the calls ran as, what was read, and the API calls made.
pub async fn read(source: &Source, operator: Arc<dyn CredentialsProvider>) -> anyhow::Result<(String, Collected, u64)> {
    let options = ClientOptions::new(source.endpoints.clone(), source.account_id.clone());
    let credentials: Arc<dyn CredentialsProvider> = match &source.role_arn {
        Some(arn) => Arc::new(Refreshing::new(Arc::new(AssumeRole::new(operator, options.clone(), arn.clone())))),
        None => operator,
    };
    let client = Client::new(credentials, options);
    let identity = caller_identity(&client).await?;
    if identity.account_id != source.account_id {
        anyhow::bail!("these credentials are of account {}, not {}", identity.account_id, source.account_id);
    }
    // Where the account's home is asked what regions it has, and OSS what buckets.
    let home = source.endpoints.home_region();
    let regions = match source.regions.is_empty() {
        true => collect::regions(&client, home).await?,
        false => source.regions.clone(),
    };
    let mut collected = collect::collect(&client, &regions, collect::PLANS).await;
    collect::collect_oss(&client, regions.first().map_or(home, String::as_str), &mut collected).await;
    Ok((identity.arn, collected, client.requests()))
}

/// The operator's credentials the way the SDKs find them.
pub fn operator_credentials() -> Arc<dyn CredentialsProvider> {
    Arc::new(Refreshing::new(Arc::new(Chain::default_chain())))
}
