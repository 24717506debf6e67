//! `unmask label add` and `unmask label list`: the analyst's own address labels.
//! A label is stored like an ingested one, as properties of the `wallet:` entity,
//! through a record whose source is the command that added it.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use unmask_model::{normalize, sha256_hex, EntityFragment, Parsed};
use unmask_store::RecordInsert;
use unmask_trace::labels::Labels;

#[derive(Args)]
pub struct LabelArgs {
    #[command(subcommand)]
    command: LabelCommand,
}

#[derive(Subcommand)]
enum LabelCommand {
    /// Label an address (exchange, mixing_service, defi_bridge, otc, sanction, ...).
    Add {
        address: String,
        #[arg(long)]
        category: String,
        #[arg(long)]
        label: String,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        abuse: Option<String>,
    },
    /// List labelled addresses.
    List {
        /// Only this category.
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn label(data_dir: &Path, args: LabelArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        LabelCommand::Add {
            address,
            category,
            label,
            actor,
            abuse,
        } => {
            let Some(normalized) = normalize::wallet(&address) else {
                anyhow::bail!("{address:?} is not a wallet address");
            };
            let mut store = crate::open(data_dir)?;
            let mut wallet = EntityFragment::new(format!("wallet:{normalized}"), "CryptoWallet");
            wallet
                .prop("publicKey", &normalized)
                .prop("category", category.trim().to_lowercase())
                .prop("label", &label)
                .prop("labelSource", "user")
                .prop("confidence", "analyst");
            if let Some(actor) = &actor {
                wallet.prop("actor", actor);
            }
            if let Some(abuse) = &abuse {
                wallet.prop("abuse", abuse.trim().to_lowercase());
            }
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let identity =
                format!("user-label\0{normalized}\0{category}\0{label}\0{actor:?}\0{abuse:?}");
            let hash = sha256_hex(identity.as_bytes());
            let run_id = store.begin_run(&command)?;
            let file_id =
                store.register_file(&hash, "unmask label add", "user-label", 0, run_id)?;
            let mut batch = store.batch(file_id, run_id)?;
            let raw = format!("{normalized} category={category} label={label}");
            batch.record(
                &RecordInsert {
                    record_hash: hash.as_bytes(),
                    line: 1,
                    byte_offset: 0,
                    raw: Some(&raw),
                },
                &Parsed {
                    entities: vec![wallet],
                    ..Parsed::default()
                },
            )?;
            let counts = batch.finish(true)?;
            store.finish_run(run_id, &counts, 0)?;
            println!("labelled {normalized}: {category} ({label})");
            Ok(ExitCode::SUCCESS)
        }
        LabelCommand::List { category, json } => {
            let store = crate::open(data_dir)?;
            let labels = Labels::load(&store)?;
            let wanted = category.map(|c| c.to_lowercase());
            let rows: Vec<_> = labels
                .by_address
                .values()
                .filter(|l| wanted.as_ref().is_none_or(|c| l.categories.contains(c)))
                .collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for label in &rows {
                    println!(
                        "{:<44} {:<28} {}",
                        label.address,
                        label
                            .categories
                            .iter()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(","),
                        label.labels.iter().cloned().collect::<Vec<_>>().join("; ")
                    );
                }
                println!("{} labelled addresses", rows.len());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
