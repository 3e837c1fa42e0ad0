//! The in-process transport: a [`Client`](crate::Client) built with the sandbox as its
//! transport talks to it without a socket.

use bytes::Bytes;

use super::router::Handled;
use super::Sandbox;
use crate::transport::{BoxFuture, Transport, TransportError, TransportErrorKind};

impl Transport for Sandbox {
    /// Answers the request in process. Only the path, query, headers and body are read, so
    /// any base URL works.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            match self.handle(request).await {
                Handled::Answer(response) => Ok(response),
                // The request reached the server: the client cannot know nothing was applied.
                Handled::Drop => Err(TransportError::new(
                    TransportErrorKind::AnswerLost,
                    "sandbox fault: the connection was closed without an answer",
                )),
                Handled::Truncate(_) => Err(TransportError::new(
                    TransportErrorKind::AnswerLost,
                    "sandbox fault: the answer body was cut off",
                )),
            }
        })
    }
}
