//! The API's error body, `ApiError {statusCode, error, message}`, and the
//! helpers that build it for every status the mock answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// An error answer: its HTTP status and the `ApiError` JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// The HTTP status code, repeated in the body.
    pub status_code: u16,
    /// The status's short name, e.g. `"Bad Request"`.
    pub error: String,
    /// What went wrong; for validation errors it starts with the field's path.
    pub message: String,
}

impl ApiError {
    /// An error with the given status and message; `error` is the status's name.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status_code: status.as_u16(),
            error: reason(status),
            message: message.into(),
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 Forbidden.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 408, the long poll's "still running, ask again".
    pub fn request_timeout(message: impl Into<String>) -> Self {
        Self::new(StatusCode::REQUEST_TIMEOUT, message)
    }

    /// 503, answered to long polls cut short because the server stops.
    pub fn shutting_down() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The mock server is shutting down",
        )
    }

    /// The HTTP status, falling back to 500 for a code outside 100..=999.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status_code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The name the real API (hapi/boom style) gives a status in `error`.
pub fn reason(status: StatusCode) -> String {
    match status.as_u16() {
        408 => "Request Time-out".to_owned(),
        413 => "Payload Too Large".to_owned(),
        _ => status
            .canonical_reason()
            .map_or_else(|| format!("HTTP {}", status.as_u16()), str::to_owned),
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status_code, self.error, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_real_api() {
        assert_eq!(ApiError::request_timeout("x").error, "Request Time-out");
        assert_eq!(ApiError::bad_request("x").error, "Bad Request");
        assert_eq!(ApiError::forbidden("x").status_code, 403);
        let odd = ApiError::new(StatusCode::from_u16(599).expect("valid code"), "x");
        assert_eq!(odd.error, "HTTP 599");
    }
}
