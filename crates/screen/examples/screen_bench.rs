//! Screening benchmark.
//!
//! `cargo run --release -p unmask-screen --example screen_bench` loads the OFAC 2021 +
//! UN 2026 lists and the OFAC crypto-address lists from `testdata/`, then reports load time,
//! resident memory (VmRSS / VmHWM from /proc/self/status), single-query latency p50/p99
//! over a few thousand realistic queries, and single-threaded batch throughput.
//!
//! `... --example screen_bench -- --synthetic 1000000` does the same on a generated list of
//! that many entities (Korean and other persons, companies, with aliases).

use std::time::{Duration, Instant};

use unmask_screen::sources::{
    chain_from_file_name, parse_crypto_list, parse_ofac_csv, parse_un_xml, OfacCsvInput,
};
use unmask_screen::{ListEntity, NameStrength, Options, Query, Schema, ScreeningIndex};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Skewed towards small values, like word frequencies.
    fn zipfish(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((u * u * u) * n as f64) as usize % n.max(1)
    }
}

fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| format!("{:.1} MB", kb as f64 / 1024.0))
            .unwrap_or_else(|| "?".into())
    };
    format!("VmRSS {}, VmHWM {}", field("VmRSS:"), field("VmHWM:"))
}

fn read(path: &str) -> Vec<u8> {
    let full = format!("{}/testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("reading {full}: {e}"))
}

fn real_lists() -> Vec<ListEntity> {
    let (sdn, alt, add, comments) = (
        read("ofac_sdn_2021/sdn.csv"),
        read("ofac_sdn_2021/alt.csv"),
        read("ofac_sdn_2021/add.csv"),
        read("ofac_sdn_2021/sdn_comments.csv"),
    );
    let mut entities = parse_ofac_csv(
        OfacCsvInput {
            sdn: &sdn,
            alt: Some(&alt),
            add: Some(&add),
            comments: Some(&comments),
        },
        "us_ofac_sdn",
    )
    .entities;
    entities.extend(
        parse_un_xml(&read("un_consolidated.xml"), "un_sc_sanctions")
            .expect("UN list")
            .entities,
    );
    let dir = format!(
        "{}/testdata/ofac_crypto_addresses",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for name in files {
        if let Some(chain) =
            chain_from_file_name(&name).filter(|_| name.starts_with("sanctioned_addresses_"))
        {
            let data = std::fs::read(format!("{dir}/{name}")).expect("read");
            entities.extend(parse_crypto_list(&data, &chain, "us_ofac_crypto").entities);
        }
    }
    entities
}

const SURNAMES: [&str; 24] = [
    "Kim", "Ri", "Lee", "Pak", "Park", "Choe", "Choi", "Jong", "Jung", "Kang", "Cho", "Yun",
    "Jang", "Rim", "Han", "O", "So", "Sin", "Kwon", "Hwang", "An", "Song", "Ryu", "Hong",
];
const ONSETS: [&str; 14] = [
    "", "k", "g", "n", "d", "t", "r", "m", "b", "p", "s", "j", "ch", "h",
];
const VOWELS: [&str; 12] = [
    "a", "o", "u", "i", "e", "yo", "yu", "ya", "wa", "eo", "ae", "ui",
];
const CODAS: [&str; 6] = ["", "n", "ng", "l", "k", "m"];
const SUFFIXES: [&str; 8] = [
    "Co., Ltd.",
    "Corporation",
    "Trading Company",
    "LLC",
    "Limited",
    "Group",
    "S.A.",
    "GmbH",
];

fn syllable(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        ONSETS[rng.below(ONSETS.len())],
        VOWELS[rng.below(VOWELS.len())],
        CODAS[rng.below(CODAS.len())]
    )
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

struct Vocabulary(Vec<String>);
impl Vocabulary {
    fn new(rng: &mut Rng, size: usize) -> Vocabulary {
        Vocabulary(
            (0..size)
                .map(|_| {
                    let n = 2 + rng.below(3);
                    title(&(0..n).map(|_| syllable(rng)).collect::<String>())
                })
                .collect(),
        )
    }
    fn word(&self, rng: &mut Rng) -> &str {
        &self.0[rng.zipfish(self.0.len())]
    }
}

fn korean_name(rng: &mut Rng) -> String {
    let given = format!("{} {}", title(&syllable(rng)), title(&syllable(rng)));
    format!(
        "{}, {given}",
        SURNAMES[rng.below(SURNAMES.len())].to_uppercase()
    )
}

fn synthetic(n: usize, rng: &mut Rng) -> Vec<ListEntity> {
    let vocab = Vocabulary::new(rng, 200_000);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let kind = rng.below(10);
        let (schema, name) = match kind {
            0..=3 => (Schema::Person, korean_name(rng)),
            4..=6 => (
                Schema::Person,
                format!(
                    "{} {} {}",
                    vocab.word(rng),
                    vocab.word(rng),
                    vocab.word(rng).to_uppercase()
                ),
            ),
            _ => {
                let words = 1 + rng.below(3);
                let mut name: Vec<String> =
                    (0..words).map(|_| vocab.word(rng).to_uppercase()).collect();
                name.push(SUFFIXES[rng.below(SUFFIXES.len())].to_uppercase());
                (Schema::Company, name.join(" "))
            }
        };
        let mut e = ListEntity::new("synthetic", format!("S{i}"), schema);
        e.add_name(&name, NameStrength::Primary);
        for _ in 0..rng.below(3) {
            let alias = if schema == Schema::Person && kind <= 3 {
                korean_name(rng)
            } else {
                format!("{} {}", vocab.word(rng), vocab.word(rng))
            };
            e.add_name(&alias, NameStrength::Strong);
        }
        out.push(e);
    }
    out
}

/// A realistic query mix: list names as written, lowercased without punctuation, with the
/// first word moved to the end, and names on no list.
fn queries(index: &ScreeningIndex, count: usize, rng: &mut Rng) -> Vec<(Query, Option<usize>)> {
    let entities = index.entities();
    let vocab = Vocabulary::new(rng, 5_000);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let at = rng.below(entities.len());
        let e = &entities[at];
        if e.schema == Schema::CryptoWallet {
            continue;
        }
        let name = &e.names[rng.below(e.names.len())].name;
        let (q, expected) = match rng.below(6) {
            0 | 1 => (name.clone(), Some(at)),
            2 => (name.to_lowercase().replace(',', ""), Some(at)),
            3 => {
                let mut words: Vec<&str> =
                    name.split([' ', ',']).filter(|w| !w.is_empty()).collect();
                // Family name (first word) moved to the end, as Western forms write it.
                words.rotate_left(1);
                (words.join(" "), Some(at))
            }
            4 => (korean_name(rng), None),
            _ => (format!("{} {}", vocab.word(rng), vocab.word(rng)), None),
        };
        out.push((Query::name(q), expected));
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn run(index: &ScreeningIndex, queries: &[(Query, Option<usize>)]) {
    let options = Options::default();
    // Warm up caches (and lazily parsed data files).
    for (q, _) in queries.iter().take(200) {
        let _ = index.search(q, &options);
    }
    let mut latencies = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    let (mut expected, mut found) = (0usize, 0usize);
    for (q, want) in queries {
        let start = Instant::now();
        let result = index.search(q, &options).expect("search");
        latencies.push(start.elapsed());
        hits += usize::from(!result.is_empty());
        if let Some(want) = want {
            expected += 1;
            found += usize::from(result.iter().any(|m| m.entity.0 as usize == *want));
        }
    }
    latencies.sort();
    println!(
        "single-query latency over {} queries: p50 {:?}, p99 {:?}, max {:?} ({} with a hit)",
        queries.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        hits
    );
    println!("list names queried as written, lowercased or first word last: own entity found in {found}/{expected} ({:.2}%)", found as f64 * 100.0 / expected.max(1) as f64);
    for (label, options) in [
        ("with explanations", Options::default()),
        (
            "scores only",
            Options {
                explain: false,
                ..Options::default()
            },
        ),
    ] {
        let start = Instant::now();
        let mut n = 0usize;
        for (q, _) in queries {
            n += index.search(q, &options).map(|r| r.len()).unwrap_or(0);
        }
        let elapsed = start.elapsed();
        println!(
            "batch throughput, one thread, {label}: {:.0} queries/s ({n} matches)",
            queries.len() as f64 / elapsed.as_secs_f64()
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let synthetic_n = args
        .iter()
        .position(|a| a == "--synthetic")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok());
    let query_count = args
        .iter()
        .position(|a| a == "--queries")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(5000);
    let mut rng = Rng(0x0bad_cafe_1234_5678);
    println!("before loading: {}", memory());
    let index = match synthetic_n {
        Some(n) => {
            let start = Instant::now();
            let entities = synthetic(n, &mut rng);
            println!(
                "generated {n} synthetic entities in {:?}; {}",
                start.elapsed(),
                memory()
            );
            let start = Instant::now();
            let index = ScreeningIndex::build(entities);
            println!("index built in {:?}", start.elapsed());
            index
        }
        None => {
            let start = Instant::now();
            let entities = real_lists();
            let parsed = start.elapsed();
            let index = ScreeningIndex::build(entities);
            println!(
                "loaded OFAC 2021 + UN + OFAC crypto lists: parse {:?}, parse + index {:?}",
                parsed,
                start.elapsed()
            );
            index
        }
    };
    println!("index: {:?}", index.stats());
    println!("after loading: {}", memory());
    let queries = queries(&index, query_count, &mut rng);
    run(&index, &queries);
    println!("at the end: {}", memory());
}
