//! `vpn_egress`: sign-ins through Astrill VPN (the VPN DPRK IT workers are reported
//! to favour) or, in a large share, through consumer VPNs and hosting providers.
//! Corporate VPN/SSE egress (Zscaler, GlobalProtect...) is not a signal.

use unmask_detect::{DetectError, Detector};
use unmask_model::{Finding, Severity};
use unmask_store::Store;

use super::{egress, percent, sign_in_evidence, utc, Egress, NewFinding};
use crate::signins::shared;

pub struct VpnEgress;

/// Share of sign-ins through consumer VPNs/hosting that is unusual for an employee.
const VPN_SHARE: f64 = 0.15;

impl Detector for VpnEgress {
    fn id(&self) -> &'static str {
        "vpn_egress"
    }

    fn description(&self) -> &'static str {
        "Sign-ins through Astrill VPN, or mostly through consumer VPNs and hosting providers"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        let mut findings = Vec::new();
        for (index, sign_ins) in shared.sign_ins.iter().enumerate() {
            if sign_ins.is_empty() {
                continue;
            }
            let employee = &shared.roster.employees[index];
            let astrill: Vec<_> = sign_ins
                .iter()
                .filter(|s| egress(&shared, s).0 == Egress::Astrill)
                .collect();
            let vpn: Vec<_> = sign_ins
                .iter()
                .filter(|s| matches!(egress(&shared, s).0, Egress::ConsumerVpn | Egress::Hosting))
                .collect();
            if !astrill.is_empty() {
                let weight = if astrill.len() >= 5 { 0.5 } else { 0.4 };
                findings.push(
                    NewFinding {
                        detector: self.id(),
                        key: format!("astrill:{}", employee.id),
                        subjects: vec![employee.id.clone()],
                        severity: Severity::High,
                        weight,
                        reason: format!(
                            "{} of {} sign-ins ({:.0}%) of {} came through Astrill VPN, the VPN DPRK IT workers are reported to use",
                            astrill.len(),
                            sign_ins.len(),
                            percent(astrill.len(), sign_ins.len()),
                            employee.label()
                        ),
                        evidence: sign_in_evidence(
                            &employee.id,
                            astrill.iter().copied(),
                            |s| format!("sign-in at {} from {} ({})", utc(s.time_ms), shared.ip(s), shared.network(s)),
                            5,
                        ),
                    }
                    .into(),
                );
            }
            if vpn.len() >= 3 && vpn.len() as f64 >= VPN_SHARE * sign_ins.len() as f64 {
                let mut names: Vec<&str> =
                    vpn.iter().filter_map(|s| egress(&shared, s).1).collect();
                names.sort_unstable();
                names.dedup();
                findings.push(
                    NewFinding {
                        detector: self.id(),
                        key: format!("vpn:{}", employee.id),
                        subjects: vec![employee.id.clone()],
                        severity: Severity::Low,
                        weight: 0.15,
                        reason: format!(
                            "{:.0}% of {}'s sign-ins came through consumer VPNs or hosting providers ({})",
                            percent(vpn.len(), sign_ins.len()),
                            employee.label(),
                            names.join(", ")
                        ),
                        evidence: sign_in_evidence(
                            &employee.id,
                            vpn.iter().copied(),
                            |s| format!("sign-in at {} from {} ({})", utc(s.time_ms), shared.ip(s), shared.network(s)),
                            5,
                        ),
                    }
                    .into(),
                );
            }
        }
        Ok(findings)
    }
}
