//! Runs the simulator without the CLI: `simulate OUT SEED SCALE`.

use std::process::ExitCode;
use std::time::Instant;

use unmask_simulate::{simulate, Scale, SimOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 3 {
        eprintln!("usage: simulate OUT SEED tiny|small|medium|large");
        return ExitCode::from(2);
    }
    let seed = match args[1].parse::<u64>() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bad seed {:?}: {e}", args[1]);
            return ExitCode::from(2);
        }
    };
    let scale = match args[2].parse::<Scale>() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match simulate(&SimOptions {
        out: args[0].clone().into(),
        seed,
        scale,
    }) {
        Ok(summary) => {
            println!("{summary}");
            println!(
                "{:<18} {:>12.2}",
                "seconds",
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
