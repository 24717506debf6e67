//! Screens names against the OFAC 2021 + UN lists in testdata/ and prints every match
//! with its explanation: `cargo run --release -p unmask-screen --example screen_query --
//! "KIM Jong Un|1984-01-08" "Gim Jeong-eun"` (`|` separates an optional birth date).

#[path = "../tests/common/mod.rs"]
mod common;
use unmask_screen::*;
fn main() {
    let t = std::time::Instant::now();
    let o = common::ofac();
    let u = common::un();
    eprintln!(
        "ofac {} q {} ; un {} q {}",
        o.entities.len(),
        o.quarantined.len(),
        u.entities.len(),
        u.quarantined.len()
    );
    for q in o.quarantined.iter().take(5) {
        eprintln!("{q:?}");
    }
    for q in u.quarantined.iter().take(5) {
        eprintln!("{q:?}");
    }
    let idx = common::index();
    eprintln!("built in {:?} {:?}", t.elapsed(), idx.stats());
    let args: Vec<String> = std::env::args().skip(1).collect();
    for a in args {
        let (name, dob) = a
            .split_once('|')
            .map(|(a, b)| (a.to_string(), Some(b.to_string())))
            .unwrap_or((a.clone(), None));
        let mut q = Query::name(name.clone());
        if let Some(d) = dob {
            q = q.with_birth_date(&d).unwrap();
        }
        let hits = idx
            .search(
                &q,
                &Options {
                    threshold: 0.5,
                    ..Options::default()
                },
            )
            .unwrap();
        println!("== {a}");
        for h in hits.iter().take(6) {
            let e = idx.entity(h.entity);
            println!(
                "  {:.3} {} {} [{}] {:?}",
                h.score, e.list, e.id, h.matched_name, e.programs
            );
            for f in &h.features {
                println!("      {} {:+.3} {}", f.feature, f.contribution, f.text);
            }
        }
    }
}
