//! Fetching many domains: a concurrency limit and per-host politeness.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use super::{FetchCode, FetchDiagnostic, Fetched, Fetcher};

/// When the host was last done with, shared by every task for that host; holding the lock is
/// being the one task in flight for the host.
type HostSlot = Arc<Mutex<Option<Instant>>>;

pub(super) async fn fetch_many<I, S>(fetcher: &Fetcher, domains: I) -> Vec<Fetched>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let options = fetcher.options();
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let delay = options.per_host_delay;
    let mut hosts: HashMap<String, HostSlot> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut names = Vec::new();
    for (index, domain) in domains.into_iter().enumerate() {
        let domain = domain
            .as_ref()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        names.push(domain.clone());
        let slot = hosts.entry(domain.clone()).or_default().clone();
        let permits = Arc::clone(&permits);
        let fetcher = fetcher.clone();
        tasks.spawn(async move {
            let mut last = slot.lock_owned().await;
            if let Some(done) = *last {
                sleep_until(super::after(done, delay)).await;
            }
            let fetched = match permits.acquire_owned().await {
                Ok(_permit) => fetcher.fetch(&domain).await,
                Err(_) => failed(&domain, "the batch was shut down"),
            };
            *last = Some(Instant::now());
            (index, fetched)
        });
    }
    let mut results: Vec<Option<Fetched>> = vec![None; names.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, fetched)) = joined
            && let Some(slot) = results.get_mut(index)
        {
            *slot = Some(fetched);
        }
    }
    results
        .into_iter()
        .zip(names)
        .map(|(result, name)| result.unwrap_or_else(|| failed(&name, "the fetch task failed")))
        .collect()
}

fn failed(domain: &str, message: &str) -> Fetched {
    Fetched {
        domain: domain.to_owned(),
        url_chain: Vec::new(),
        body: None,
        content_type: None,
        diagnostics: vec![FetchDiagnostic::new(FetchCode::HttpFailure, None, message)],
    }
}
