//! unmask-simulate writes a realistic, labelled, deterministic synthetic world
//! in real export formats: HR tables, Okta and Entra sign-in logs, osquery
//! results, ethereum-etl and bitcoin-etl chain exports and a GraphSense
//! TagPack, plus `truth.json` describing every planted DPRK behaviour and
//! every honest look-alike. Tests, demos, benchmarks and detector quality
//! measurements all run on it.
//!
//! How it is built: [`world`] decides who exists (companies, employees,
//! laptop farms, identities, payouts) in memory; [`hr`], [`signin`] and
//! [`endpoint`] render that population; [`chain`] simulates the blockchain
//! side on its own (background activity plus one heist and its laundering);
//! [`truth`] writes what was planted. The same seed and scale always give
//! byte-identical files: every output stream draws from its own PRNG stream
//! derived from the seed, so the worker threads cannot influence each other.

pub mod applicants;
pub mod catalog;
pub mod chain;
pub mod endpoint;
pub mod fmt;
pub mod hr;
pub mod output;
pub mod people;
pub mod rng;
pub mod sanctions;
pub mod signin;
pub mod truth;
pub mod world;

use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How big a world to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// ~3 companies, ~100 employees, ~10k sign-ins, ~5k chain transfers (tests).
    Tiny,
    /// ~10 companies, ~1,500 employees, ~200k sign-ins, ~100k transfers (demo).
    Small,
    /// ~50 companies, ~15,000 employees, ~2M sign-ins, ~1M transfers.
    Medium,
    /// ≥200 companies, ≥100,000 employees, ≥10M sign-ins, ≥10M transfers.
    Large,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Tiny => "tiny",
            Scale::Small => "small",
            Scale::Medium => "medium",
            Scale::Large => "large",
        }
    }
}

impl FromStr for Scale {
    type Err = SimError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tiny" => Ok(Scale::Tiny),
            "small" => Ok(Scale::Small),
            "medium" => Ok(Scale::Medium),
            "large" => Ok(Scale::Large),
            _ => Err(SimError::UnknownScale(s.to_string())),
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to simulate and where to write it.
#[derive(Clone, Debug)]
pub struct SimOptions {
    pub out: PathBuf,
    pub seed: u64,
    pub scale: Scale,
}

/// Counts of what was written.
#[derive(Clone, Debug, Default)]
pub struct SimSummary {
    pub companies: usize,
    pub employees: usize,
    pub dprk_workers: usize,
    pub sign_in_events: u64,
    pub osquery_rows: u64,
    pub chain_transfers: u64,
    pub files: Vec<PathBuf>,
}

impl std::fmt::Display for SimSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{:<18} {:>12}", "companies", self.companies)?;
        writeln!(f, "{:<18} {:>12}", "employees", self.employees)?;
        writeln!(f, "{:<18} {:>12}", "dprk workers", self.dprk_workers)?;
        writeln!(f, "{:<18} {:>12}", "sign-in events", self.sign_in_events)?;
        writeln!(f, "{:<18} {:>12}", "osquery rows", self.osquery_rows)?;
        writeln!(f, "{:<18} {:>12}", "chain transfers", self.chain_transfers)?;
        write!(f, "{:<18} {:>12}", "files", self.files.len())
    }
}

/// Everything that can go wrong while simulating.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("unknown scale {0:?}: expected tiny, small, medium or large")]
    UnknownScale(String),
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serialise {what}: {source}")]
    Serialise {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

/// Builds the world for `opts.seed`/`opts.scale` and writes it under `opts.out`.
pub fn simulate(opts: &SimOptions) -> Result<SimSummary, SimError> {
    let out: &Path = &opts.out;
    output::create_dir(out)?;
    let world = world::World::generate(opts.seed, opts.scale);
    let chain_size = chain::ChainSize::for_scale(opts.scale);
    let seed = opts.seed;

    let (okta, entra, chain_result, endpoint, hr_files) = std::thread::scope(|s| {
        let okta = s.spawn(|| signin::write_okta(&world, seed, out));
        let entra = s.spawn(|| signin::write_entra(&world, seed, out));
        let chain = s.spawn(|| chain::write_chain(seed, &chain_size, out));
        let endpoint = endpoint::write_osquery(&world, seed, out);
        let hr = hr::write_hr(&world, out);
        let panicked = |what: &str| SimError::Internal(format!("{what} writer panicked"));
        (
            okta.join().map_err(|_| panicked("okta")),
            entra.join().map_err(|_| panicked("entra")),
            chain.join().map_err(|_| panicked("chain")),
            endpoint,
            hr,
        )
    });
    let okta = okta??;
    let entra = entra??;
    let chain_out = chain_result??;
    let endpoint = endpoint?;
    let mut files = hr_files?;
    let applicants = applicants::plan(&world, seed);
    files.push(applicants::write(&world, &applicants, out)?);
    files.extend(sanctions::write(&world, out)?);

    files.extend(okta.files);
    files.extend(entra.files);
    files.extend(endpoint.files);
    files.extend(chain_out.files.iter().cloned());

    let mut summary = SimSummary {
        companies: world.companies.len(),
        employees: world.employees.len(),
        dprk_workers: world.workers.len(),
        sign_in_events: okta.records + entra.records,
        osquery_rows: endpoint.rows,
        chain_transfers: chain_out.transfers,
        files,
    };
    let truth = truth::build(&world, opts, &chain_out, &summary, &applicants);
    summary.files.push(truth::write_truth(&truth, out)?);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_parses_and_displays() {
        for s in [Scale::Tiny, Scale::Small, Scale::Medium, Scale::Large] {
            assert_eq!(s.to_string().parse::<Scale>().unwrap(), s);
        }
        assert!("huge".parse::<Scale>().is_err());
        assert_eq!("LARGE".parse::<Scale>().unwrap(), Scale::Large);
    }
}
