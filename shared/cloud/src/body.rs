//! Reading an HTTP answer without trusting its size.

/// The body of `response` as text, refusing one larger than `limit` bytes
/// before reading more than that.
pub(crate) async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err(format!("the answer is larger than {limit} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|e| format!("the answer is not UTF-8: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_answer_over_the_limit_is_refused() {
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "x".repeat(2_000) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let get = || async { reqwest::get(&url).await.unwrap() };
        assert_eq!(read_limited(get().await, 2_000).await.unwrap().len(), 2_000);
        let err = read_limited(get().await, 1_999).await.unwrap_err();
        assert!(err.contains("larger than 1999 bytes"), "{err}");
    }
}
