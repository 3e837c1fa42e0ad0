//! Ctrl-C as a channel the output loop selects on, next to the outcomes: an interrupt is
//! noticed at once, not when the bulk revoke next polls its input (which, with every request
//! slot held by a hung request, can be 30 s later).

use tokio::sync::mpsc;

/// Interrupts received, one message each.
pub struct Interrupts {
    rx: mpsc::UnboundedReceiver<()>,
}

impl Interrupts {
    /// Starts listening for Ctrl-C (SIGINT). Without a signal handler, no interrupt ever
    /// arrives.
    pub fn listen() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
        Self { rx }
    }

    /// The next interrupt; pending forever if none can come.
    pub async fn next(&mut self) {
        if self.rx.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}
