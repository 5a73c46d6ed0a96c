//! Errors on one line, and the admin surface's error shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error and its sources on one line: `outer: inner: root`.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The admin surface's error shape: `{"error": code, "message": …}`.
pub(crate) fn admin_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": code, "message": message })),
    )
        .into_response()
}

/// Implements `From<tokio_postgres::Error>` and `From<deadpool_postgres::PoolError>` for a
/// backend's error type by way of its own `From<`[`BackendError`](crate::BackendError)`>`, so
/// `?` works on driver calls and every driver failure is answered the one way the product
/// answers a backend failure.
///
/// ```
/// struct ApiError(String);
///
/// impl From<asym_kit::BackendError> for ApiError {
///     fn from(err: asym_kit::BackendError) -> Self {
///         Self(asym_kit::error_chain(&err))
///     }
/// }
///
/// asym_kit::backend_error_conversions!(ApiError);
/// ```
///
/// With a second argument, a function from `&BackendError` to the error type, it implements
/// `From<BackendError>` too:
///
/// ```
/// struct ApiError(String);
///
/// impl ApiError {
///     fn internal(err: &asym_kit::BackendError) -> Self {
///         Self(asym_kit::error_chain(err))
///     }
/// }
///
/// asym_kit::backend_error_conversions!(ApiError, ApiError::internal);
/// ```
#[macro_export]
macro_rules! backend_error_conversions {
    ($error:ty, $from_backend:expr) => {
        impl ::core::convert::From<$crate::BackendError> for $error {
            fn from(err: $crate::BackendError) -> Self {
                $from_backend(&err)
            }
        }

        $crate::backend_error_conversions!($error);
    };
    ($error:ty) => {
        impl ::core::convert::From<$crate::tokio_postgres::Error> for $error {
            fn from(err: $crate::tokio_postgres::Error) -> Self {
                <Self as ::core::convert::From<$crate::BackendError>>::from(
                    $crate::BackendError::from(err),
                )
            }
        }

        impl ::core::convert::From<$crate::deadpool_postgres::PoolError> for $error {
            fn from(err: $crate::deadpool_postgres::PoolError) -> Self {
                <Self as ::core::convert::From<$crate::BackendError>>::from(
                    $crate::BackendError::from(err),
                )
            }
        }
    };
}
