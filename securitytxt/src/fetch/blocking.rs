//! Fetching from plain (non-async) code.

use tokio::runtime::Runtime;
use url::Url;

use super::{FetchOptions, Fetched, FetchedKey, Fetcher};
use crate::Error;

/// A [`Fetcher`] with its own single-threaded tokio runtime, for code that is not async.
///
/// Do not call it from inside an async runtime (tokio refuses to block there); use
/// [`Fetcher`] instead.
#[derive(Debug)]
pub struct BlockingFetcher {
    runtime: Runtime,
    fetcher: Fetcher,
}

impl BlockingFetcher {
    /// A blocking fetcher with these options.
    ///
    /// # Errors
    ///
    /// As [`Fetcher::new`], and [`Error::Input`] when the runtime cannot be started.
    pub fn new(options: FetchOptions) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Input {
                input: "fetch runtime".to_owned(),
                message: e.to_string(),
            })?;
        let fetcher = Fetcher::new(options)?;
        Ok(Self { runtime, fetcher })
    }

    /// As [`Fetcher::fetch`].
    pub fn fetch(&self, domain: &str) -> Fetched {
        self.runtime.block_on(self.fetcher.fetch(domain))
    }

    /// As [`Fetcher::fetch_url`].
    pub fn fetch_url(&self, url: &Url) -> Fetched {
        self.runtime.block_on(self.fetcher.fetch_url(url))
    }

    /// As [`Fetcher::fetch_key`].
    pub fn fetch_key(&self, url: &Url) -> FetchedKey {
        self.runtime.block_on(self.fetcher.fetch_key(url))
    }

    /// As [`Fetcher::fetch_many`].
    pub fn fetch_many<I, S>(&self, domains: I) -> Vec<Fetched>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.runtime.block_on(self.fetcher.fetch_many(domains))
    }

    /// The async fetcher inside.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }
}
