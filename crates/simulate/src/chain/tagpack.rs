//! `labels/tagpack.yaml`: a GraphSense TagPack with what an investigator
//! would already know about the simulated chain: exchange hot wallets, the
//! mixer, the cross-chain router (and its BTC vault), the exploited bridge
//! and DEX routers. Exchange deposit addresses are deliberately not labelled:
//! a tracer finds them because they forward to a labelled hot wallet.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{
    addr_string, btc, Services, BRIDGE_NAME, DEX_ROUTERS, EXCHANGES, MIXER_NAME, VICTIM_NAME,
};
use crate::output::Output;
use crate::SimError;

pub struct Tag {
    pub address: String,
    pub label: String,
    pub category: &'static str,
    pub actor: String,
    pub currency: &'static str,
}

/// All labels of the world, in file order.
pub fn tags(services: &Services) -> Vec<Tag> {
    let mut tags = Vec::new();
    for (e, (name, _)) in EXCHANGES.iter().enumerate() {
        let actor = crate::people::slug(name);
        for (k, a) in services.hot_wallets[e].iter().enumerate() {
            tags.push(Tag {
                address: addr_string(a),
                label: format!("{} hot wallet {}", name.to_lowercase(), k + 1),
                category: "exchange",
                actor: actor.clone(),
                currency: "ETH",
            });
        }
    }
    tags.push(Tag {
        address: addr_string(&services.mixer),
        label: MIXER_NAME.to_lowercase(),
        category: "mixing_service",
        actor: "tumblercash".into(),
        currency: "ETH",
    });
    tags.push(Tag {
        address: addr_string(&services.bridge),
        label: BRIDGE_NAME.to_lowercase(),
        category: "bridge",
        actor: "skyway".into(),
        currency: "ETH",
    });
    tags.push(Tag {
        address: btc::p2wpkh_address(&services.btc_vault_pkh),
        label: "skyway router btc vault".into(),
        category: "bridge",
        actor: "skyway".into(),
        currency: "BTC",
    });
    tags.push(Tag {
        address: addr_string(&services.victim),
        label: VICTIM_NAME.to_lowercase(),
        category: "bridge",
        actor: "orbitalbridge".into(),
        currency: "ETH",
    });
    for (a, label) in DEX_ROUTERS {
        tags.push(Tag {
            address: (*a).to_string(),
            label: (*label).to_string(),
            category: "defi_dex",
            actor: "uniswap".into(),
            currency: "ETH",
        });
    }
    tags
}

pub fn write_tagpack(services: &Services, root: &Path) -> Result<PathBuf, SimError> {
    let mut s = String::new();
    s.push_str("title: unmask simulated world - service labels\n");
    s.push_str("creator: unmask-simulate\n");
    s.push_str("description: Labels an investigator would already hold for the simulated chain (exchange hot wallets, mixer, router, DEX routers). Synthetic data.\n");
    s.push_str("lastmod: 2026-11-01\n");
    s.push_str("is_public: true\n");
    s.push_str("confidence: service_data\n");
    s.push_str("source: https://github.com/unmask/unmask (simulated)\n");
    s.push_str("network: ETH\n");
    s.push_str("currency: ETH\n");
    s.push_str("tags:\n");
    for t in tags(services) {
        let _ = writeln!(s, "- address: '{}'", t.address);
        let _ = writeln!(s, "  label: {}", t.label);
        let _ = writeln!(s, "  category: {}", t.category);
        let _ = writeln!(s, "  actor: {}", t.actor);
        let _ = writeln!(s, "  confidence: service_data");
        if t.currency != "ETH" {
            let _ = writeln!(s, "  currency: {}", t.currency);
            let _ = writeln!(s, "  network: {}", t.currency);
        }
    }
    let mut out = Output::create(root.join("labels").join("tagpack.yaml"))?;
    out.write(s.as_bytes())?;
    out.finish()
}
