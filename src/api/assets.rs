//! The assets of a result (screenshots, traces, videos, logs): listing them,
//! and downloading one as a stream.

use std::path::Path;

use serde_json::{Map, Value, json};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use uuid::Uuid;

use crate::Operation;
use crate::call::call;
use crate::client::Client;
use crate::error::{Error, Result, excerpt};
use crate::types::{AssetManifest, AssetManifestEntry, AssetType};
use crate::validate;

impl Client {
    /// The assets of one result of a test session
    /// (`GET /v1/test-sessions/{id}/results/{resultId}/assets`), filtered by
    /// kind and name.
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client, session: uuid::Uuid, result: uuid::Uuid) -> checkly::Result<()> {
    /// use checkly::types::AssetType;
    /// let manifest = client
    ///     .list_result_assets(session, result)
    ///     .kind(AssetType::Screenshot)
    ///     .name("*.png")
    ///     .send()
    ///     .await?;
    /// for asset in &manifest.assets {
    ///     let bytes = client.download_asset_to_file(asset, format!("out/{}", asset.name)).await?;
    ///     println!("{} ({bytes} bytes)", asset.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_result_assets(&self, session_id: Uuid, result_id: Uuid) -> ListResultAssets {
        ListResultAssets {
            client: self.clone(),
            session_id,
            result_id,
            kinds: Vec::new(),
            name: None,
        }
    }

    /// Downloads one asset into `out`, chunk by chunk (never held whole in
    /// memory); returns the bytes written.
    ///
    /// The API key and account go along only when the asset's URL is on the
    /// client's own base URL (scheme, host and port): a signed URL on another
    /// host gets no credentials.
    pub async fn download_asset<W>(&self, asset: &AssetManifestEntry, out: &mut W) -> Result<u64>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut response = self.fetch_asset(&asset.url).await?;
        let mut written = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(Error::Transport)? {
            out.write_all(&chunk).await.map_err(io_error)?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(io_error)?;
        Ok(written)
    }

    /// Downloads one asset to a file (created or truncated, its folder
    /// created); see [`download_asset`](Self::download_asset). A failed
    /// download leaves no file behind.
    pub async fn download_asset_to_file(
        &self,
        asset: &AssetManifestEntry,
        path: impl AsRef<Path>,
    ) -> Result<u64> {
        let path = path.as_ref();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(parent).await.map_err(io_error)?;
        }
        let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
        let outcome = self.download_asset(asset, &mut file).await;
        if outcome.is_err() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
        outcome
    }

    async fn fetch_asset(&self, url: &str) -> Result<reqwest::Response> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| Error::InvalidRequest(format!("asset URL {url:?} is not a URL: {e}")))?;
        let own =
            reqwest::Url::parse(self.base_url()).is_ok_and(|base| base.origin() == url.origin());
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        if own {
            self.state()
                .authorize(request.headers_mut())
                .map_err(Error::Hook)?;
        }
        // A download may be large: the call deadline bounds it, not the
        // per-request timeout meant for API answers.
        let deadline = self.state().call_timeout;
        let limits = crate::retry::Limits {
            request_timeout: None,
            deadline: tokio::time::Instant::now() + deadline,
        };
        let (response, attempts) =
            crate::retry::execute(self.http(), &self.state().retry, request, true, limits).await;
        let response = response.map_err(|e| crate::call::transport_error(e, deadline, attempts))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = crate::call::retry_after(response.headers());
        let body = response.bytes().await.unwrap_or_default();
        Err(Error::Api {
            status,
            api_error: serde_json::from_slice(&body).ok(),
            body_excerpt: excerpt(&body),
            retry_after,
        })
    }
}

fn io_error(error: std::io::Error) -> Error {
    Error::Io(error)
}

/// The query of [`Client::list_result_assets`]; [`send`](Self::send) runs it.
#[derive(Debug, Clone)]
#[must_use]
pub struct ListResultAssets {
    client: Client,
    session_id: Uuid,
    result_id: Uuid,
    kinds: Vec<AssetType>,
    name: Option<String>,
}

impl ListResultAssets {
    /// Only assets of this kind; repeat for several.
    pub fn kind(mut self, kind: AssetType) -> Self {
        self.kinds.push(kind);
        self
    }

    /// Only assets whose name matches this glob (case-insensitive, at most
    /// 200 characters).
    pub fn name(mut self, glob: impl Into<String>) -> Self {
        self.name = Some(glob.into());
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<AssetManifest> {
        let mut params = Map::new();
        if let Some(name) = &self.name {
            params.insert("name".into(), Value::String(name.clone()));
        }
        if !self.kinds.is_empty() {
            params.insert("type".into(), json!(self.kinds));
        }
        validate::query(
            Operation::GetV1TestsessionsTestsessionidResultsTestsessionresultidAssets,
            &params,
        )?;
        let mut request = self
            .client
            .generated()
            .get_v1_testsessions_testsessionid_results_testsessionresultid_assets()
            .test_session_id(self.session_id)
            .test_session_result_id(self.result_id);
        if let Some(name) = self.name {
            request = request.name(name);
        }
        if !self.kinds.is_empty() {
            request = request.type_(self.kinds);
        }
        call(request.send()).await
    }
}
