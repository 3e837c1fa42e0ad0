//! An answer's body read into a buffer that never holds, nor reserves, more than the cap.

use bytes::Bytes;

/// The body read so far, at most `limit` bytes. Its buffer grows by doubling but never past
/// `limit`, so a hostile answer (a `Content-Length` of a gigabyte, an endless chunked body)
/// cannot make the client reserve more than that.
pub(super) struct CappedBody {
    buffer: Vec<u8>,
    limit: usize,
}

impl CappedBody {
    /// An empty body for an answer that announced `content_length`, holding at most `limit`.
    pub(super) fn new(content_length: Option<u64>, limit: usize) -> Self {
        let announced = content_length.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        Self {
            buffer: Vec::with_capacity(announced.min(limit)),
            limit,
        }
    }

    /// Adds `chunk`; `false` once the body reached `limit` (the rest of `chunk` is dropped):
    /// stop reading.
    pub(super) fn push(&mut self, chunk: &[u8]) -> bool {
        let room = self.limit - self.buffer.len();
        let taken = &chunk[..chunk.len().min(room)];
        let needed = self.buffer.len() + taken.len();
        if needed > self.buffer.capacity() {
            let grown = (self.buffer.capacity() * 2).max(needed).min(self.limit);
            self.buffer.reserve_exact(grown - self.buffer.len());
        }
        self.buffer.extend_from_slice(taken);
        self.buffer.len() < self.limit
    }

    #[cfg(test)]
    fn capacity(&self) -> usize {
        self.buffer.capacity()
    }

    pub(super) fn into_bytes(self) -> Bytes {
        Bytes::from(self.buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_never_grows_past_the_limit() {
        let limit = 4 * 1024 * 1024 + 1;
        // An answer that announces a gigabyte and sends 64 KiB chunks for ever.
        let mut body = CappedBody::new(Some(1 << 30), limit);
        assert_eq!(body.capacity(), limit);
        let mut body_unannounced = CappedBody::new(None, limit);
        let chunk = vec![b'x'; 64 * 1024 + 7];
        let mut pushes = 0;
        while body_unannounced.push(&chunk) {
            assert!(body_unannounced.capacity() <= limit);
            pushes += 1;
        }
        assert!(body.push(&chunk));
        assert_eq!(pushes, limit / chunk.len());
        assert!(body_unannounced.capacity() <= limit);
        let bytes = body_unannounced.into_bytes();
        assert_eq!(bytes.len(), limit);
    }

    #[test]
    fn a_body_under_the_limit_is_kept_whole() {
        let mut body = CappedBody::new(None, 100);
        assert!(body.push(b"{\"data\":"));
        assert!(body.push(b"1}"));
        assert_eq!(&body.into_bytes()[..], b"{\"data\":1}");
    }
}
