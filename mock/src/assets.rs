//! The assets of a test-session result, their manifest and their bytes.
//!
//! Every finished result has `job.log` (log, its job log as text). A failed
//! or degraded one also has `screenshot.png` (screenshot, a 64 × 40 PNG)
//! and `trace.zip` (trace, a small ZIP); a failed or degraded BROWSER or
//! PLAYWRIGHT result also `video.webm` (video, [`LARGE_ASSET_BYTES`]
//! generated lazily and streamed); a finished PLAYWRIGHT result also
//! `report.json` (report). A running result has none. Assets are served at
//! `{origin}/__assets/{testSessionId}/{testSessionResultId}/{name}`, with
//! the origin the request's `Host`, behind the API's authentication.

use serde_json::json;

use crate::asset_bytes;
use crate::glob;
use crate::result_detail::{Ending, ResultContext, job_log_text};
use crate::wire::{AssetEntry, AssetManifest, AssetSource};

/// The size of the large generated asset (`video.webm`): a little over 2 MiB.
pub(crate) const LARGE_ASSET_BYTES: usize = 2 * 1024 * 1024 + 517;

/// The asset types of the spec's `AssetManifestEntry.type`.
pub(crate) const ASSET_TYPES: [&str; 7] = [
    "log",
    "trace",
    "video",
    "screenshot",
    "pcap",
    "report",
    "file",
];

/// What an asset's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Log,
    Screenshot,
    Trace,
    Video,
    Report,
}

/// One asset of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asset {
    /// Its `type`.
    pub kind: &'static str,
    /// Its file name.
    pub name: &'static str,
    /// Its content type.
    pub content_type: &'static str,
    content: Content,
}

/// An asset's bytes: small ones made at once, the large one in chunks.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// The whole body.
    Small(Vec<u8>),
    /// A generated body of this many bytes (see [`asset_bytes::large_chunk`]).
    Large(usize),
}

const fn asset(
    kind: &'static str,
    name: &'static str,
    content_type: &'static str,
    content: Content,
) -> Asset {
    Asset {
        kind,
        name,
        content_type,
        content,
    }
}

/// The result's assets.
pub(crate) fn list(ctx: &ResultContext<'_>) -> Vec<Asset> {
    let Some(ending) = ctx.ending() else {
        return Vec::new();
    };
    let mut out = vec![asset(
        "log",
        "job.log",
        "text/plain; charset=utf-8",
        Content::Log,
    )];
    let check_type = ctx.chain.check_type.as_str();
    if matches!(ending, Ending::Failed | Ending::Degraded) {
        out.push(asset(
            "screenshot",
            "screenshot.png",
            "image/png",
            Content::Screenshot,
        ));
        out.push(asset(
            "trace",
            "trace.zip",
            "application/zip",
            Content::Trace,
        ));
        if matches!(check_type, "BROWSER" | "PLAYWRIGHT") {
            out.push(asset("video", "video.webm", "video/webm", Content::Video));
        }
    }
    if check_type == "PLAYWRIGHT" && ending != Ending::Cancelled {
        out.push(asset(
            "report",
            "report.json",
            "application/json",
            Content::Report,
        ));
    }
    out
}

/// Where asset `name` of the result is downloaded.
pub(crate) fn url(ctx: &ResultContext<'_>, name: &str) -> String {
    format!(
        "{}/__assets/{}/{}/{name}",
        ctx.base_url,
        ctx.owner.id(),
        ctx.view.id
    )
}

/// The manifest, keeping the assets of one of `types` (all when empty)
/// whose name matches the glob `name` (all when `None`).
pub(crate) fn manifest(
    ctx: &ResultContext<'_>,
    types: &[String],
    name: Option<&str>,
) -> AssetManifest {
    let assets: Vec<AssetEntry> = list(ctx)
        .into_iter()
        .filter(|a| types.is_empty() || types.iter().any(|t| t == a.kind))
        .filter(|a| name.is_none_or(|g| glob::matches(g, a.name)))
        .map(|a| AssetEntry {
            kind: a.kind,
            name: a.name,
            url: url(ctx, a.name),
            content_type: a.content_type,
            source: AssetSource {
                kind: "test-session-result",
                check_id: ctx.chain.check_id,
                check_name: ctx.chain.check_name.clone(),
                check_type: ctx.chain.check_type.clone(),
                result_id: ctx.view.id,
                test_session_id: ctx.owner.id(),
            },
        })
        .collect();
    AssetManifest {
        truncated: false,
        entries_returned: assets.len(),
        entries_total: assets.len(),
        assets,
    }
}

/// The bytes of `asset`.
pub(crate) fn body(ctx: &ResultContext<'_>, asset: &Asset) -> Body {
    match asset.content {
        Content::Log => Body::Small(job_log_text(ctx).into_bytes()),
        Content::Screenshot => {
            let colour = if ctx.ending() == Some(Ending::Degraded) {
                [0xf0, 0xa0, 0x20]
            } else {
                [0xd0, 0x30, 0x30]
            };
            Body::Small(asset_bytes::png(64, 40, colour))
        }
        Content::Trace => {
            let trace = json!({"result": ctx.view.id, "check": ctx.chain.check_name,
                               "events": [{"type": "context-options"}, {"type": "action"}]});
            let log = job_log_text(ctx);
            Body::Small(asset_bytes::zip(&[
                ("trace.trace", trace.to_string().as_bytes()),
                ("job.log", log.as_bytes()),
            ]))
        }
        Content::Video => Body::Large(LARGE_ASSET_BYTES),
        Content::Report => {
            let status = match ctx.ending() {
                Some(Ending::Failed) => "failed",
                _ => "passed",
            };
            let report = json!({"config": {"projects": [{"name": "chromium"}]},
                "suites": [{"title": ctx.chain.check_name,
                            "specs": [{"title": format!("{} works", ctx.chain.check_name),
                                       "ok": status == "passed"}]}],
                "stats": {"expected": u32::from(status == "passed"),
                          "unexpected": u32::from(status == "failed")}});
            Body::Small(report.to_string().into_bytes())
        }
    }
}
