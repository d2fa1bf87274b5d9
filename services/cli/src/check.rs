//! `cspm check`: offline scanning of a Terraform module, a plan or state, a
//! ROS template or a folder of OpenAPI responses, with no server. Prints the
//! findings as a table, JSON, SARIF 2.1.0 or CSV, and fails (exit 1) when it
//! finds anything at or above the chosen severity.

use crate::output;
use chrono::Utc;
use cspm_assets::Asset;
use cspm_checks::{Check, Context, Risk, Status};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Sarif,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    fn admits(self, risk: Risk) -> bool {
        let rank = |r: Risk| match r {
            Risk::Low => Severity::Low,
            Risk::Medium => Severity::Medium,
            Risk::High => Severity::High,
        };
        rank(risk) >= self
    }
}

/// One failed (rule, resource).
#[derive(Debug, Serialize)]
pub struct Finding {
    pub rule_id: &'static str,
    pub severity: Risk,
    pub rule_name: &'static str,
    pub resource_type: &'static str,
    pub resource: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    /// `field = value (expected …)` for each offending value.
    pub values: Vec<String>,
}

pub fn run(
    path: &Path,
    rules: Option<&[String]>,
    pack: Option<&str>,
    severity: Severity,
    format: CheckFormat,
) -> anyhow::Result<bool> {
    let mut selected = cspm_checks::select(rules, pack).map_err(|e| anyhow::anyhow!(e))?;
    selected.retain(|c| severity.admits(c.meta.risk));
    let assets = cspm_assets::load::load_path(path)?;
    let findings = evaluate(&assets, &selected);
    match format {
        CheckFormat::Table => table(&findings, assets.len(), selected.len()),
        CheckFormat::Json => {
            output::json(&json!({"resources": assets.len(), "rules": selected.len(), "findings": findings}))?
        }
        CheckFormat::Sarif => output::json(&sarif(&findings, &selected))?,
        CheckFormat::Csv => csv(&findings),
    }
    Ok(findings.is_empty())
}

fn evaluate(assets: &[Asset], checks: &[&'static Check]) -> Vec<Finding> {
    let params = BTreeMap::new();
    let now = Utc::now();
    let mut out = Vec::new();
    for check in checks {
        let ctx = Context { now, params: &params, specs: check.meta.params };
        for a in assets.iter().filter(|a| a.kind() == check.meta.resource_type) {
            let e = check.evaluate(a, &ctx);
            if e.status != Status::NotPass {
                continue;
            }
            out.push(Finding {
                rule_id: check.meta.id,
                severity: check.meta.risk,
                rule_name: check.meta.name,
                resource_type: check.meta.resource_type.as_str(),
                resource: a.source.as_ref().map_or_else(|| a.id.clone(), |s| s.address.clone()),
                file: a.source.as_ref().map(|s| s.file.display().to_string()),
                line: a.source.as_ref().and_then(|s| s.line),
                values: e
                    .findings
                    .iter()
                    .map(|f| format!("{} = {} (expected {})", f.field, f.value, f.expected))
                    .collect(),
            });
        }
    }
    out.sort_by(|a, b| {
        (b.severity < a.severity, &a.file, a.line, a.rule_id).cmp(&(
            a.severity < b.severity,
            &b.file,
            b.line,
            b.rule_id,
        ))
    });
    out
}

fn location(f: &Finding) -> String {
    match (&f.file, f.line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        (Some(file), None) => file.clone(),
        _ => "-".into(),
    }
}

fn table(findings: &[Finding], resources: usize, rules: usize) {
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                serde_json::to_value(f.severity).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                f.rule_id.to_owned(),
                f.resource.clone(),
                location(f),
                f.values.first().cloned().unwrap_or_default(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        output::table(&["SEVERITY", "RULE", "RESOURCE", "LOCATION", "OFFENDING VALUE"], &rows);
    }
    output::say!("{} findings; {resources} resources checked against {rules} rules", findings.len());
}

fn csv(findings: &[Finding]) {
    let cell =
        |s: &str| if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() };
    output::say!("rule_id,severity,resource_type,resource,file,line,offending_value");
    for f in findings {
        let severity =
            serde_json::to_value(f.severity).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let line = f.line.map(|l| l.to_string()).unwrap_or_default();
        let fields = [
            f.rule_id,
            &severity,
            f.resource_type,
            &f.resource,
            f.file.as_deref().unwrap_or(""),
            &line,
            &f.values.join("; "),
        ];
        output::say!("{}", fields.iter().map(|x| cell(x)).collect::<Vec<_>>().join(","));
    }
}

/// SARIF 2.1.0: one run, the rules as the driver's rules, one result per finding.
pub fn sarif(findings: &[Finding], checks: &[&'static Check]) -> Value {
    let level = |r: Risk| match r {
        Risk::High => "error",
        Risk::Medium => "warning",
        Risk::Low => "note",
    };
    let security_severity = |r: Risk| match r {
        Risk::High => "8.0",
        Risk::Medium => "5.0",
        Risk::Low => "2.0",
    };
    let rules: Vec<Value> = checks
        .iter()
        .map(|c| {
            json!({
                "id": c.meta.id,
                "name": c.meta.id,
                "shortDescription": {"text": c.meta.name},
                "fullDescription": {"text": c.meta.description},
                "help": {"text": c.meta.solution},
                "defaultConfiguration": {"level": level(c.meta.risk)},
                "properties": {"tags": ["security", c.meta.product], "security-severity": security_severity(c.meta.risk)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut location = json!({"logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]});
            if let Some(file) = &f.file {
                let mut physical = json!({"artifactLocation": {"uri": artifact_uri(file)}});
                if let Some(line) = f.line {
                    physical["region"] = json!({"startLine": line});
                }
                location["physicalLocation"] = physical;
            }
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": checks.iter().position(|c| c.meta.id == f.rule_id),
                "level": level(f.severity),
                "message": {"text": format!("{}: {} ({})", f.resource, f.rule_name, f.values.join("; "))},
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cspm",
                "informationUri": "https://github.com/cspm-fleet/cspm",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A path relative to the working directory when it lies below it (what
/// code-scanning tools expect), a `file://` URI otherwise.
fn artifact_uri(file: &str) -> String {
    let path = Path::new(file);
    if path.is_relative() {
        return file.replace('\\', "/");
    }
    match std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf)) {
        Some(rel) => rel.display().to_string(),
        None => format!("file://{file}"),
    }
}
