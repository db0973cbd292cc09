//! Prometheus metrics, written by hand in the text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, u16), u64>,
    bucket_counts: Vec<u64>,
    sum_seconds: f64,
    count: u64,
}

/// Request counters and a latency histogram.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Counts one request.
    pub fn record(&self, action: &str, status: u16, elapsed: Duration) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *inner
            .requests
            .entry((action.to_owned(), status))
            .or_default() += 1;
        if inner.bucket_counts.len() != BUCKETS.len() {
            inner.bucket_counts = vec![0; BUCKETS.len()];
        }
        let secs = elapsed.as_secs_f64();
        for (bound, count) in BUCKETS.iter().zip(inner.bucket_counts.iter_mut()) {
            if secs <= *bound {
                *count += 1;
            }
        }
        inner.sum_seconds += secs;
        inner.count += 1;
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        out.push_str("# HELP ironiam_requests_total IAM API requests by action and HTTP status.\n");
        out.push_str("# TYPE ironiam_requests_total counter\n");
        for ((action, status), count) in &inner.requests {
            let action = action.replace(['\\', '"', '\n'], "_");
            let _ = writeln!(
                out,
                "ironiam_requests_total{{action=\"{action}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP ironiam_request_duration_seconds IAM API request latency.\n");
        out.push_str("# TYPE ironiam_request_duration_seconds histogram\n");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let count = inner.bucket_counts.get(i).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "ironiam_request_duration_seconds_bucket{{le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "ironiam_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
            inner.count
        );
        let _ = writeln!(
            out,
            "ironiam_request_duration_seconds_sum {}",
            inner.sum_seconds
        );
        let _ = writeln!(
            out,
            "ironiam_request_duration_seconds_count {}",
            inner.count
        );
        out
    }
}
