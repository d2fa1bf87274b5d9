//! How much quota to buy: cloud services × instances per service × 20.
//!
//! The seed's example: 10 services × 15 instances × 20 = 3,000 units, so that
//! repeated scans, verifications and fixes of every instance fit.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

pub const UNITS_PER_INSTANCE: u64 = 20;
const MAX_SERVICES: usize = 1_000;
const MAX_INSTANCES_PER_SERVICE: u64 = 1_000_000;

/// One cloud service and how many of its instances need scanning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServiceInstances {
    /// 1 to 64 bytes, not only spaces.
    #[schema(min_length = 1, max_length = 64)]
    pub service: String,
    #[schema(maximum = 1000000)]
    pub instances: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recommendation {
    pub services: usize,
    pub instances: u64,
    pub units_per_instance: u64,
    pub recommended_quota: u64,
}

/// The recommendation for a uniform estate: `services` services of
/// `instances_per_service` instances each.
pub fn recommend_uniform(services: u64, instances_per_service: u64) -> Result<Recommendation, DomainError> {
    if services == 0 || services > MAX_SERVICES as u64 {
        return Err(DomainError::invalid(format!("services must be between 1 and {MAX_SERVICES}")));
    }
    check_instances("instances_per_service", instances_per_service)?;
    let instances = services * instances_per_service;
    Ok(Recommendation {
        services: services as usize,
        instances,
        units_per_instance: UNITS_PER_INSTANCE,
        recommended_quota: instances * UNITS_PER_INSTANCE,
    })
}

/// The recommendation from a real inventory: the sum over services.
pub fn recommend(services: &[ServiceInstances]) -> Result<Recommendation, DomainError> {
    if services.is_empty() || services.len() > MAX_SERVICES {
        return Err(DomainError::invalid(format!("list between 1 and {MAX_SERVICES} services")));
    }
    let mut instances = 0u64;
    for s in services {
        if s.service.trim().is_empty() || s.service.len() > 64 {
            return Err(DomainError::invalid("each service needs a name of 1 to 64 characters"));
        }
        check_instances(&format!("instances of {}", s.service), s.instances)?;
        instances += s.instances;
    }
    Ok(Recommendation {
        services: services.len(),
        instances,
        units_per_instance: UNITS_PER_INSTANCE,
        recommended_quota: instances * UNITS_PER_INSTANCE,
    })
}

fn check_instances(field: &str, n: u64) -> Result<(), DomainError> {
    if n > MAX_INSTANCES_PER_SERVICE {
        return Err(DomainError::invalid(format!("{field} must be at most {MAX_INSTANCES_PER_SERVICE}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_example_is_3000() {
        assert_eq!(recommend_uniform(10, 15).unwrap().recommended_quota, 3000);
        let list: Vec<_> = (0..10).map(|i| ServiceInstances { service: format!("s{i}"), instances: 15 }).collect();
        assert_eq!(recommend(&list).unwrap().recommended_quota, 3000);
    }

    #[test]
    fn uneven_inventories_sum() {
        let list = vec![
            ServiceInstances { service: "ecs".into(), instances: 7 },
            ServiceInstances { service: "oss".into(), instances: 3 },
            ServiceInstances { service: "ram".into(), instances: 0 },
        ];
        let r = recommend(&list).unwrap();
        assert_eq!((r.services, r.instances, r.recommended_quota), (3, 10, 200));
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert!(recommend_uniform(0, 15).is_err());
        assert!(recommend_uniform(10, MAX_INSTANCES_PER_SERVICE + 1).is_err());
        assert!(recommend(&[]).is_err());
        assert!(recommend(&[ServiceInstances { service: " ".into(), instances: 1 }]).is_err());
    }
}
