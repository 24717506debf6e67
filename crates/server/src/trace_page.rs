//! The trace page: follow funds from seed addresses through the chain store (Ethereum
//! seeds) or the Bitcoin graph (Bitcoin addresses and `txid:vout` outputs) and draw the
//! flow from the seeds to their exits (amounts on the edges, labelled services marked),
//! with a table of exits. Seeds of the two chains are not traced together. Analysts
//! only; each trace is audited.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use unmask_report::escape;
use unmask_trace::amount::format_units;
use unmask_trace::chain::{chain_dir, ChainGraph};
use unmask_trace::labels::Labels;
use unmask_trace::taint::{self, Direction, Model, TraceOptions, TraceResult};
use unmask_utxo::graph::UtxoGraph;
use unmask_utxo::seeds::{seed_chain, SeedChain};
use unmask_utxo::taint::BtcTraceOptions;

use crate::accounts::Role;
use crate::audit;
use crate::error::{ApiError, ErrorCode};
use crate::investigation::Shared;
use crate::svg::encode_segment;
use crate::ui::{layout, UiError, UiUser};

/// Most addresses drawn; the table lists every exit.
const MAX_NODES: usize = 60;

#[derive(Debug, Deserialize, Default)]
pub struct TraceForm {
    seed: Option<String>,
    model: Option<String>,
    backward: Option<String>,
    max_hops: Option<u32>,
    stop_at: Option<String>,
    dust_floor: Option<String>,
}

/// Most seeds in one trace.
pub const MAX_SEEDS: usize = 20;

/// The seeds of a form or query field: separated by commas or white space.
pub fn split_seeds(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Readable amount: ETH in ether (four decimals), BTC in bitcoin (to the satoshi),
/// other assets in their smallest units.
fn amount(asset: &str, units: &str) -> String {
    match units.parse::<u128>() {
        Ok(value) if asset == unmask_utxo::taint::BTC => {
            format!("{} {asset}", format_units(value, 8))
        }
        Ok(value) if asset.eq_ignore_ascii_case("eth") => {
            let text = format_units(value, 18);
            match text.split_once('.') {
                Some((whole, fraction)) => {
                    let fraction: String = fraction.chars().take(4).collect();
                    format!("{whole}.{fraction} {asset}")
                }
                None => format!("{text} {asset}"),
            }
        }
        _ => format!("{units} {asset}"),
    }
}

fn short(address: &str) -> String {
    if address.len() > 14 {
        format!("{}…{}", &address[..8], &address[address.len() - 4..])
    } else {
        address.to_string()
    }
}

/// The flow diagram: one column per hop, seeds on the left, exits marked.
pub fn flow_svg(result: &TraceResult) -> String {
    let exits: HashMap<&str, &taint::Exit> = result
        .exits
        .iter()
        .map(|e| (e.address.as_str(), e))
        .collect();
    let mut columns: BTreeMap<u32, Vec<(String, Option<String>, bool)>> = BTreeMap::new();
    let mut shown = 0;
    let mut hops: HashMap<String, u32> = HashMap::new();
    for address in &result.addresses {
        if shown >= MAX_NODES {
            break;
        }
        shown += 1;
        hops.insert(address.address.clone(), address.hop);
        columns.entry(address.hop).or_default().push((
            address.address.clone(),
            address.label.clone(),
            address.is_seed,
        ));
    }
    for exit in &result.exits {
        if hops.contains_key(&exit.address) || shown >= MAX_NODES + 20 {
            continue;
        }
        shown += 1;
        hops.insert(exit.address.clone(), exit.hop);
        columns.entry(exit.hop).or_default().push((
            exit.address.clone(),
            exit.label.clone(),
            false,
        ));
    }
    let column_count = columns.len().max(1);
    let rows = columns.values().map(Vec::len).max().unwrap_or(1).max(1);
    let (col_width, row_height) = (200.0, 46.0);
    let width = 40.0 + col_width * column_count as f64;
    let height = 40.0 + row_height * rows as f64;
    let mut position: HashMap<String, (f64, f64)> = HashMap::new();
    for (column, (_, nodes)) in columns.iter().enumerate() {
        for (row, (address, _, _)) in nodes.iter().enumerate() {
            position.insert(
                address.clone(),
                (
                    30.0 + column as f64 * col_width,
                    30.0 + row as f64 * row_height,
                ),
            );
        }
    }
    let mut svg = format!(
        r#"<svg class="flow" role="img" aria-label="flow of funds" viewBox="0 0 {width:.0} {height:.0}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>Flow of funds from the seed to its exits</title>"#
    );
    let mut flows: Vec<&taint::Flow> = result
        .flows
        .iter()
        .filter(|f| position.contains_key(&f.from) && position.contains_key(&f.to))
        .collect();
    flows.sort_by_key(|f| std::cmp::Reverse(f.amount.parse::<u128>().unwrap_or(0)));
    flows.truncate(150);
    for flow in &flows {
        let (a, b) = (position[&flow.from], position[&flow.to]);
        let _ = write!(
            svg,
            r#"<path class="flow-edge" d="M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"><title>{} → {}: {}</title></path><text class="flow-amount" x="{:.1}" y="{:.1}">{}</text>"#,
            a.0 + 130.0,
            a.1,
            a.0 + 165.0,
            a.1,
            b.0 - 35.0,
            b.1,
            b.0,
            b.1,
            escape(&flow.from),
            escape(&flow.to),
            escape(&amount(&flow.asset, &flow.amount)),
            (a.0 + 130.0 + b.0) / 2.0,
            (a.1 + b.1) / 2.0 - 3.0,
            escape(&amount(&flow.asset, &flow.amount))
        );
    }
    for nodes in columns.values() {
        for (address, label, is_seed) in nodes {
            let (x, y) = position[address];
            let exit = exits.get(address.as_str());
            let class = if *is_seed {
                "seed".to_string()
            } else if let Some(exit) = exit {
                format!(
                    "exit k-{}",
                    exit.kind.replace(|c: char| !c.is_ascii_alphanumeric(), "")
                )
            } else {
                "hop".to_string()
            };
            let caption = match (label, exit) {
                (Some(label), _) => label.clone(),
                (None, Some(exit)) => exit.kind.clone(),
                _ => String::new(),
            };
            let _ = write!(
                svg,
                r#"<a href="/entities/{}"><g class="flow-node {class}"><rect x="{x:.1}" y="{:.1}" width="130" height="30" rx="4"/><text x="{:.1}" y="{:.1}">{}</text><text class="flow-label" x="{:.1}" y="{:.1}">{}</text><title>{}</title></g></a>"#,
                encode_segment(&format!("wallet:{address}")),
                y - 15.0,
                x + 6.0,
                y - 2.0,
                escape(&short(address)),
                x + 6.0,
                y + 11.0,
                escape(&caption),
                escape(address)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Runs a trace from `seeds` and audits it: Ethereum seeds through the chain store,
/// Bitcoin seeds (addresses, `txid:vout`) through the Bitcoin graph with the same
/// options. `Ok(Err(error))`: the trace cannot run (seeds mixing the two chains, no
/// chain data or Bitcoin graph, an unknown seed), with a message for the user that
/// names no seed.
///
/// The sweep runs on a blocking thread without a store connection: only loading the
/// labels and the audit entry take one, so a long trace (many hops on a large chain
/// store) never holds up the case pages, which share the server's few connections.
pub async fn run_trace(
    state: &Shared,
    principal: &crate::auth::Principal,
    seeds: Vec<String>,
    model_name: &str,
    options: TraceOptions,
) -> Result<Result<TraceResult, ApiError>, ApiError> {
    if seeds.is_empty() {
        return Ok(Err(ApiError::new(
            ErrorCode::InvalidParameters,
            "Give a seed: a 0x Ethereum address, a Bitcoin address or a Bitcoin output (txid:vout).",
        )));
    }
    if seeds.len() > MAX_SEEDS {
        return Ok(Err(ApiError::new(
            ErrorCode::InvalidParameters,
            format!("A trace starts from at most {MAX_SEEDS} seeds."),
        )));
    }
    let chain = match unmask_utxo::seeds::trace_chain(&seeds) {
        Ok(chain) => chain,
        Err(_) => return Ok(Err(ApiError::new(
            ErrorCode::InvalidParameters,
            "The seeds mix Ethereum and Bitcoin: a trace follows one chain; trace each on its own.",
        ))),
    };
    let data_dir = state.config.data_dir.clone();
    let labels = state.with_store(|store| Ok(Labels::load(store)?)).await?;
    let traced_seeds = seeds.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        if chain == SeedChain::Bitcoin {
            if let Some(outcome) = bitcoin_trace(&data_dir, &traced_seeds, &labels, &options) {
                return outcome.map(|result| (result, true));
            }
        }
        let Ok(graph) = ChainGraph::open(&chain_dir(&data_dir)) else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                "There is no chain data in the store yet.",
            ));
        };
        taint::trace(&graph, &labels, &traced_seeds, &options)
            .map(|result| (result, false))
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::NotFound,
                    "The seed is not a 0x address that appears in the chain data.",
                )
            })
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let (result, bitcoin) = match outcome {
        Ok(traced) => traced,
        Err(error) => return Ok(Err(error)),
    };
    let who = principal.clone();
    let detail = format!(
        "{model_name}, {} exits{}",
        result.exits.len(),
        if bitcoin { ", Bitcoin" } else { "" }
    );
    let target = seeds
        .iter()
        .map(|seed| format!("wallet:{seed}"))
        .collect::<Vec<_>>()
        .join(", ");
    state
        .with_store(move |store| {
            audit::append(
                store.conn(),
                &who.user.name,
                "trace",
                &target,
                &detail,
                &who.ip,
            )?;
            Ok(())
        })
        .await?;
    Ok(Ok(result))
}

/// The Bitcoin graph last read, with the path, size and modification time of its
/// snapshot: read again only when ingest has saved a new one (ingest writes a new
/// snapshot beside the old one and renames it, so a read never sees half a file).
type CachedGraph = (
    std::path::PathBuf,
    u64,
    std::time::SystemTime,
    Arc<UtxoGraph>,
);

static BITCOIN_GRAPH: Mutex<Option<CachedGraph>> = Mutex::new(None);

/// The Bitcoin graph of the data dir (empty when there is none), read from its
/// snapshot once and kept while the snapshot is unchanged. One read at a time: a
/// second trace waits for the first one's read instead of reading it too.
fn load_bitcoin_graph(
    data_dir: &std::path::Path,
) -> Result<Arc<UtxoGraph>, unmask_utxo::UtxoError> {
    let dir = unmask_utxo::btc_dir(data_dir);
    let snapshot = UtxoGraph::snapshot_path(&dir);
    let Ok(meta) = std::fs::metadata(&snapshot) else {
        return Ok(Arc::new(UtxoGraph::load(&dir, Default::default())?));
    };
    let (len, modified) = (meta.len(), meta.modified().unwrap_or(std::time::UNIX_EPOCH));
    let mut cached = BITCOIN_GRAPH.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((path, l, m, graph)) = cached.as_ref() {
        if *path == snapshot && *l == len && *m == modified {
            return Ok(graph.clone());
        }
    }
    *cached = None;
    let graph = Arc::new(UtxoGraph::load(&dir, Default::default())?);
    *cached = Some((snapshot, len, modified, graph.clone()));
    Ok(graph)
}

/// A trace of Bitcoin seeds through the Bitcoin graph, with the Ethereum trace's
/// options (model, direction, hop limit, dust floor, services that stop it). `None`
/// when there is no Bitcoin graph and no seed looks like Bitcoin: the seeds are then
/// looked up in the chain store, as before there were Bitcoin traces.
fn bitcoin_trace(
    data_dir: &std::path::Path,
    seeds: &[String],
    labels: &Labels,
    options: &TraceOptions,
) -> Option<Result<TraceResult, ApiError>> {
    let graph = match load_bitcoin_graph(data_dir) {
        Ok(graph) => graph,
        Err(error) => {
            tracing::error!(%error, "reading the Bitcoin graph");
            return Some(Err(ApiError::new(
                ErrorCode::Internal,
                "The Bitcoin graph could not be read.",
            )));
        }
    };
    if graph.tx_count() == 0 {
        if seeds
            .iter()
            .all(|seed| seed_chain(seed) == SeedChain::Unknown)
        {
            return None;
        }
        return Some(Err(ApiError::new(
            ErrorCode::NotFound,
            "There is no Bitcoin graph in the store yet: ingest bitcoin-etl or getblock files first.",
        )));
    }
    let btc_options = BtcTraceOptions {
        model: options.model,
        direction: options.direction,
        max_hops: options.max_hops,
        dust_floor_ppb: options.dust_floor_ppb,
        stop_at: options.stop_at.clone(),
        ..BtcTraceOptions::default()
    };
    Some(
        unmask_utxo::taint::trace(&graph, seeds, labels, &btc_options).map_err(|_| {
            ApiError::new(
                ErrorCode::NotFound,
                "A seed is neither an address in the Bitcoin graph nor txid:vout of one of its outputs.",
            )
        }),
    )
}

/// The services a trace stops at by default, as the form shows them.
pub const DEFAULT_STOP_AT: &str = "exchange,bridge,mixer";

/// Trace options from the page's or the API's parameters: `stop_at` is a
/// comma-separated list of services (`none` for none), `dust_floor` a fraction of
/// what left the seeds (default one millionth, 0 follows everything).
pub fn trace_options(
    model: &str,
    backward: bool,
    max_hops: Option<u32>,
    stop_at: Option<&str>,
    dust_floor: Option<&str>,
) -> Result<TraceOptions, ApiError> {
    let model = Model::parse(model)
        .ok_or_else(|| ApiError::invalid_parameters("model must be haircut, poison or fifo"))?;
    let mut services = std::collections::BTreeSet::new();
    for word in stop_at
        .unwrap_or(DEFAULT_STOP_AT)
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty() && *w != "none")
    {
        services.insert(unmask_trace::labels::Service::parse(word).ok_or_else(|| {
            ApiError::invalid_parameters(
                "stop_at lists services: exchange, bridge, mixer, dex, otc, sanctioned (or none)",
            )
        })?);
    }
    let dust_floor_ppb = match dust_floor.map(str::trim).filter(|d| !d.is_empty()) {
        None => TraceOptions::default().dust_floor_ppb,
        Some(text) => match text.parse::<f64>() {
            Ok(fraction) if (0.0..=1.0).contains(&fraction) => (fraction * 1e9).round() as u64,
            _ => {
                return Err(ApiError::invalid_parameters(
                    "dust_floor is a fraction from 0 to 1, e.g. 0.000001",
                ))
            }
        },
    };
    Ok(TraceOptions {
        model,
        direction: if backward {
            Direction::Backward
        } else {
            Direction::Forward
        },
        max_hops: max_hops.unwrap_or(10).clamp(1, 50),
        stop_at: services,
        dust_floor_ppb,
        ..TraceOptions::default()
    })
}

pub async fn trace_page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Query(form): Query<TraceForm>,
) -> Result<Html<String>, UiError> {
    principal.require(Role::Analyst)?;
    let seed = form.seed.clone().unwrap_or_default().trim().to_string();
    let model_name = form.model.clone().unwrap_or_else(|| "haircut".to_string());
    let backward = form.backward.as_deref() == Some("on");
    let mut body = String::from("<h1>Trace funds</h1>");
    let models = ["haircut", "poison", "fifo"]
        .iter()
        .map(|m| {
            let selected = if *m == model_name { " selected" } else { "" };
            format!("<option{selected}>{m}</option>")
        })
        .collect::<String>();
    let _ = write!(
        body,
        r#"<form method="get" action="/trace" class="trace"><label>Seed addresses <input name="seed" size="46" value="{}" placeholder="0x…, bc1…, or txid:vout" required></label> <label>Model <select name="model">{models}</select></label> <label><input type="checkbox" name="backward"{}> backward</label> <label>Max hops <input name="max_hops" size="3" value="{}"></label> <label>Stop at <input name="stop_at" size="22" value="{}"></label> <label>Dust floor <input name="dust_floor" size="9" value="{}"></label> <button>Trace</button></form>"#,
        escape(&seed),
        if backward { " checked" } else { "" },
        form.max_hops.unwrap_or(10),
        escape(form.stop_at.as_deref().unwrap_or(DEFAULT_STOP_AT)),
        escape(form.dust_floor.as_deref().unwrap_or("0.000001"))
    );
    if seed.is_empty() {
        return Ok(layout("Trace", Some(&principal), &body));
    }
    let options = match trace_options(
        &model_name,
        backward,
        form.max_hops,
        form.stop_at.as_deref(),
        form.dust_floor.as_deref(),
    ) {
        Ok(options) => options,
        Err(error) => {
            let _ = write!(body, r#"<p class="error">{}</p>"#, escape(&error.message));
            return Ok(layout("Trace", Some(&principal), &body));
        }
    };
    let outcome = run_trace(&state, &principal, split_seeds(&seed), &model_name, options).await?;
    let result = match outcome {
        Ok(result) => result,
        Err(error) if error.code == ErrorCode::Internal => return Err(error.into()),
        Err(error) => {
            let _ = write!(body, r#"<p class="error">{}</p>"#, escape(&error.message));
            return Ok(layout("Trace", Some(&principal), &body));
        }
    };
    let _ = write!(
        body,
        "<section><h2>Flow</h2><p>{} addresses reached, {} exits, {} flows.</p>",
        result.addresses.len(),
        result.exits.len(),
        result.flows.len()
    );
    body.push_str(&flow_svg(&result));
    body.push_str(r#"</section><section><h2>Exits</h2><table class="exits"><tr><th>Address</th><th>Kind</th><th>Label</th><th>Hop</th><th>Tainted amount</th><th>Transactions</th></tr>"#);
    for exit in &result.exits {
        let amounts = exit
            .amounts
            .iter()
            .map(|(asset, units)| escape(&amount(asset, units)))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = write!(
            body,
            r#"<tr><td><a href="/entities/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td class="num">{amounts}</td><td>{}</td></tr>"#,
            encode_segment(&exit.entity),
            escape(&exit.address),
            escape(&exit.kind),
            escape(exit.label.as_deref().unwrap_or("")),
            exit.hop,
            exit.transactions.len()
        );
    }
    body.push_str("</table></section>");
    Ok(layout("Trace", Some(&principal), &body))
}
