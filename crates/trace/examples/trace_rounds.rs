//! Per-trace times on a synthetic chain store, the first (cold) trace included,
//! which `unmask bench` folds into its percentiles:
//!
//! ```sh
//! cargo run --release -p unmask-trace --example trace_rounds -- 50000000
//! ```
//!
//! Builds the store under the system temp dir (removed afterwards), then runs the
//! bench's 20 six-hop haircut traces (the heist seed, then tranche addresses)
//! twice, printing each one's time.

use unmask_trace::labels::{AddressLabel, Labels};
use unmask_trace::taint::{self, Model, TraceOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let edges: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1_000_000,
    };
    let dir = std::env::temp_dir().join(format!("unmask-trace-rounds-{}", std::process::id()));
    let synthetic = unmask_trace::bench::build(&dir, edges, 5_000_000, 42)?;
    let graph = unmask_trace::chain::ChainGraph::open(&dir)?;
    let mut labels = Labels::default();
    for hub in &synthetic.exchange_hubs {
        labels.insert(AddressLabel {
            address: hub.clone(),
            labels: [format!("exchange hub {hub}")].into(),
            categories: ["exchange".to_string()].into(),
            ..AddressLabel::default()
        });
    }
    for pass in 0..2 {
        for round in 0..20 {
            let seed = if round == 0 {
                synthetic.heist_seed.clone()
            } else {
                synthetic.tranches[round % synthetic.tranches.len()].clone()
            };
            let options = TraceOptions {
                model: Model::Haircut,
                max_hops: 6,
                ..TraceOptions::default()
            };
            let started = std::time::Instant::now();
            let result = taint::trace(&graph, &labels, &[seed], &options)?;
            println!(
                "pass {pass} trace {round}: {:.1} ms, {} tainted addresses, {} exits, {} edges examined",
                started.elapsed().as_secs_f64() * 1e3,
                result.addresses.len(),
                result.exits.len(),
                result.edges_examined
            );
        }
    }
    drop(graph);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
