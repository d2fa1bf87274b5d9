//! Loading whatever a user points at: a Terraform module directory, a
//! `terraform show -json` plan or state, a ROS template, or OpenAPI
//! responses (a file or a folder of them); a folder may mix templates.

use crate::iac::{self, IacError};
use crate::model::Asset;
use crate::openapi::{self, ApiResponse};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Iac(#[from] IacError),
    #[error("{0}: {1}")]
    OpenApi(String, openapi::IngestError),
    #[error("{0}: not a Terraform module, plan or state, ROS template, or OpenAPI responses")]
    Unrecognised(String),
    #[error("{0}: does not exist")]
    Missing(String),
}

/// Every asset found at `path`.
pub fn load_path(path: &Path) -> Result<Vec<Asset>, LoadError> {
    if !path.exists() {
        return Err(LoadError::Missing(path.display().to_string()));
    }
    if path.is_file() {
        return load_file(path);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| IacError::Io(path.display().to_string(), e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut assets = Vec::new();
    if entries.iter().any(|p| p.extension().is_some_and(|x| x == "tf")) {
        assets.extend(iac::map::to_assets(&iac::terraform::load_module(path)?));
    }
    let mut responses = Vec::new();
    for f in entries.iter().filter(|p| p.is_file()) {
        match f.extension().and_then(|x| x.to_str()) {
            Some("yaml" | "yml") => assets.extend(load_file(f)?),
            Some("json") => match classify_json(f)? {
                Json::Responses(r) => responses.extend(r),
                Json::Other => assets.extend(load_file(f)?),
            },
            _ => {}
        }
    }
    if !responses.is_empty() {
        assets.extend(openapi::ingest(&responses).map_err(|e| LoadError::OpenApi(path.display().to_string(), e))?);
    }
    Ok(assets)
}

enum Json {
    Responses(Vec<ApiResponse>),
    Other,
}

fn classify_json(f: &Path) -> Result<Json, LoadError> {
    let text = std::fs::read_to_string(f).map_err(|e| IacError::Io(f.display().to_string(), e.to_string()))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| IacError::Parse { file: f.display().to_string(), problem: e.to_string() })?;
    let looks_like_response = |v: &Value| v.get("api").is_some() && v.get("response").is_some();
    Ok(match &v {
        Value::Array(items) if !items.is_empty() && items.iter().all(looks_like_response) => Json::Responses(
            serde_json::from_value(v)
                .map_err(|e| IacError::Parse { file: f.display().to_string(), problem: e.to_string() })?,
        ),
        one if looks_like_response(one) => Json::Responses(vec![
            serde_json::from_value(v)
                .map_err(|e| IacError::Parse { file: f.display().to_string(), problem: e.to_string() })?,
        ]),
        _ => Json::Other,
    })
}

fn load_file(f: &Path) -> Result<Vec<Asset>, LoadError> {
    let name = f.display().to_string();
    match f.extension().and_then(|x| x.to_str()) {
        Some("tf") => {
            let dir = f.parent().unwrap_or(Path::new("."));
            let resources = iac::terraform::load_module(dir)?;
            let only_this: Vec<_> = resources.into_iter().filter(|r| r.source.file == f).collect();
            Ok(iac::map::to_assets(&only_this))
        }
        Some("yaml" | "yml") => Ok(iac::map::to_assets(&iac::ros::load_template(f)?)),
        Some("json") => {
            if let Json::Responses(r) = classify_json(f)? {
                return openapi::ingest(&r).map_err(|e| LoadError::OpenApi(name, e));
            }
            let text = std::fs::read_to_string(f).map_err(|e| IacError::Io(name.clone(), e.to_string()))?;
            if text.contains("\"ROSTemplateFormatVersion\"") {
                Ok(iac::map::to_assets(&iac::ros::load_template(f)?))
            } else if text.contains("\"planned_values\"") || text.contains("\"values\"") {
                Ok(iac::map::to_assets(&iac::terraform::load_plan(f)?))
            } else {
                Err(LoadError::Unrecognised(name))
            }
        }
        _ => Err(LoadError::Unrecognised(name)),
    }
}
