//! A sanctions list in FollowTheMoney JSON lines, `sanctions/designations.ftm.json`,
//! as OpenSanctions publishes them: a simulated designation of the wallets the DPRK
//! workers are paid into in crypto (the pattern of OFAC's 2023–2024 designations of
//! DPRK IT-worker payment addresses), so that the demo exercises sanctions screening
//! against the organisation's own payroll. Names and ids are invented.

use std::path::{Path, PathBuf};

use crate::output::Output;
use crate::world::{Persona, World};
use crate::SimError;

/// Most wallets designated.
const MAX_WALLETS: usize = 3;

/// The crypto payout accounts of DPRK workers that the list designates, with the
/// employees (indices) paid into each, in a stable order.
pub fn designated(world: &World) -> Vec<(String, Vec<usize>)> {
    let mut wallets: std::collections::BTreeMap<&str, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (index, employee) in world.employees.iter().enumerate() {
        if !matches!(employee.persona, Persona::Dprk(_)) {
            continue;
        }
        for segment in employee.payroll.iter().filter(|s| s.method == "crypto") {
            let paid = wallets.entry(segment.account.as_str()).or_default();
            if !paid.contains(&index) {
                paid.push(index);
            }
        }
    }
    wallets
        .into_iter()
        .take(MAX_WALLETS)
        .map(|(wallet, employees)| (wallet.to_string(), employees))
        .collect()
}

/// Writes the list; `None` when no worker is paid in crypto (nothing to designate).
pub fn write(world: &World, root: &Path) -> Result<Option<PathBuf>, SimError> {
    let wallets = designated(world);
    if wallets.is_empty() {
        return Ok(None);
    }
    let mut out = Output::create(root.join("sanctions").join("designations.ftm.json"))?;
    for (n, (wallet, _)) in wallets.iter().enumerate() {
        let line = serde_json::json!({
            "id": format!("sim-dprk-itw-wallet-{}", n + 1),
            "schema": "CryptoWallet",
            "caption": wallet,
            "properties": {
                "publicKey": [wallet],
                "currency": ["ETH"],
                "topics": ["sanction"],
                "notes": ["Simulated designation: a wallet receiving the salaries of DPRK IT workers"],
                "program": ["DPRK3"],
            },
            "datasets": ["sim_sanctions"],
        });
        out.write(line.to_string().as_bytes())?;
        out.write(b"\n")?;
    }
    out.finish().map(Some)
}
