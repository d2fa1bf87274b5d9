//! Answers as Alibaba Cloud's gateway shapes them: a JSON body with a
//! `RequestId`, and for errors `{"RequestId", "Code", "Message", "HostId"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde_json::{Value, json};

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl Failure {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self { status, code: code.to_owned(), message: message.into() }
    }
}

pub fn request_id() -> String {
    let n: u128 = rand::rng().random();
    let h = format!("{n:032X}");
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

pub fn error(f: &Failure, host: &str) -> Response {
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({"RequestId": request_id(), "Code": f.code, "Message": f.message, "HostId": host});
    (status, axum::Json(body)).into_response()
}

/// A successful answer: `body` with a fresh `RequestId`.
pub fn ok(mut body: Value) -> Response {
    if let Some(map) = body.as_object_mut() {
        map.insert("RequestId".into(), Value::String(request_id()));
    }
    (StatusCode::OK, axum::Json(body)).into_response()
}
