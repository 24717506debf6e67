//! Static reference data the simulator draws from: places, time zones,
//! networks (ISPs with their ASNs), names, streets, roles, software, USB
//! identities and user agents.
//!
//! Coordinates are city centroids. ASNs and organisation names of the real
//! carriers are the published ones; the IPv4 /16 blocks are plausible
//! examples, not a registry extract, and the Astrill ASN is illustrative.

/// How a time zone moved its clocks during the simulated window (October 2026).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dst {
    /// No daylight saving time.
    None,
    /// US/Canada rules: DST all through the window (it ends on 2026-11-01).
    NorthAmerica,
    /// EU rules: DST until 2026-10-25 01:00 UTC.
    Europe,
}

pub struct Zone {
    pub name: &'static str,
    /// Standard-time offset from UTC, minutes.
    pub std_offset_min: i32,
    pub dst: Dst,
}

pub const ZONES: &[Zone] = &[
    Zone {
        name: "America/New_York",
        std_offset_min: -300,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "America/Chicago",
        std_offset_min: -360,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "America/Denver",
        std_offset_min: -420,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "America/Phoenix",
        std_offset_min: -420,
        dst: Dst::None,
    },
    Zone {
        name: "America/Los_Angeles",
        std_offset_min: -480,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "America/Boise",
        std_offset_min: -420,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "America/Detroit",
        std_offset_min: -300,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "Europe/Warsaw",
        std_offset_min: 60,
        dst: Dst::Europe,
    },
    Zone {
        name: "Europe/Lisbon",
        std_offset_min: 0,
        dst: Dst::Europe,
    },
    Zone {
        name: "Europe/London",
        std_offset_min: 0,
        dst: Dst::Europe,
    },
    Zone {
        name: "Europe/Paris",
        std_offset_min: 60,
        dst: Dst::Europe,
    },
    Zone {
        name: "Europe/Madrid",
        std_offset_min: 60,
        dst: Dst::Europe,
    },
    Zone {
        name: "America/Mexico_City",
        std_offset_min: -360,
        dst: Dst::None,
    },
    Zone {
        name: "America/Cancun",
        std_offset_min: -300,
        dst: Dst::None,
    },
    Zone {
        name: "Asia/Manila",
        std_offset_min: 480,
        dst: Dst::None,
    },
    Zone {
        name: "America/Argentina/Buenos_Aires",
        std_offset_min: -180,
        dst: Dst::None,
    },
    Zone {
        name: "America/Sao_Paulo",
        std_offset_min: -180,
        dst: Dst::None,
    },
    Zone {
        name: "Asia/Kolkata",
        std_offset_min: 330,
        dst: Dst::None,
    },
    Zone {
        name: "America/Toronto",
        std_offset_min: -300,
        dst: Dst::NorthAmerica,
    },
    Zone {
        name: "Asia/Shanghai",
        std_offset_min: 480,
        dst: Dst::None,
    },
    Zone {
        name: "Asia/Vladivostok",
        std_offset_min: 600,
        dst: Dst::None,
    },
];

/// 2026-10-25T01:00:00Z, end of EU summer time.
const EU_DST_END: i64 = 1_792_890_000;

impl Zone {
    /// UTC offset in seconds at the instant `unix_s` (valid for the simulated window).
    pub fn offset_secs(&self, unix_s: i64) -> i64 {
        let dst = match self.dst {
            Dst::None => 0,
            Dst::NorthAmerica => 3600,
            Dst::Europe => {
                if unix_s < EU_DST_END {
                    3600
                } else {
                    0
                }
            }
        };
        i64::from(self.std_offset_min) * 60 + dst
    }
}

pub fn zone_index(name: &str) -> usize {
    ZONES
        .iter()
        .position(|z| z.name == name)
        .unwrap_or_else(|| panic!("zone {name} missing from catalog"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Claimed homes of US employees.
    UsHome,
    /// Homes of non-US contractors.
    Abroad,
    /// Business travel destinations.
    Travel,
    /// Egress points of DPRK IT workers' own connections.
    Dprk,
    /// Data-centre locations of VPN egress.
    Datacenter,
}

pub struct City {
    pub name: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub country: &'static str,
    pub cc: &'static str,
    pub postal: &'static str,
    pub lat: &'static str,
    pub lon: &'static str,
    pub zone: &'static str,
    pub area_codes: &'static [u16],
    pub region: Region,
    /// Residential ISPs serving the city (indices into [`ISPS`]).
    pub isps: &'static [usize],
}

const US_ISPS_EAST: &[usize] = &[0, 0, 0, 1, 2, 3, 3, 5];
const US_ISPS_SOUTH: &[usize] = &[0, 1, 1, 2, 2, 4, 9];
const US_ISPS_MID: &[usize] = &[0, 0, 1, 2, 6, 6];
const US_ISPS_WEST: &[usize] = &[0, 0, 1, 2, 4, 6, 5];

macro_rules! us {
    ($name:expr, $state:expr, $code:expr, $postal:expr, $lat:expr, $lon:expr, $zone:expr, $areas:expr, $isps:expr) => {
        City {
            name: $name,
            state: $state,
            state_code: $code,
            country: "United States",
            cc: "US",
            postal: $postal,
            lat: $lat,
            lon: $lon,
            zone: $zone,
            area_codes: $areas,
            region: Region::UsHome,
            isps: $isps,
        }
    };
}

macro_rules! world {
    ($name:expr, $state:expr, $code:expr, $country:expr, $cc:expr, $postal:expr, $lat:expr, $lon:expr, $zone:expr, $region:expr, $isps:expr) => {
        City {
            name: $name,
            state: $state,
            state_code: $code,
            country: $country,
            cc: $cc,
            postal: $postal,
            lat: $lat,
            lon: $lon,
            zone: $zone,
            area_codes: &[],
            region: $region,
            isps: $isps,
        }
    };
}

const NY: &str = "America/New_York";
const CHI: &str = "America/Chicago";
const DEN: &str = "America/Denver";
const LA: &str = "America/Los_Angeles";

pub const CITIES: &[City] = &[
    us!(
        "New York",
        "New York",
        "NY",
        "10001",
        "40.7128",
        "-74.0060",
        NY,
        &[212, 646, 917],
        US_ISPS_EAST
    ),
    us!(
        "Brooklyn",
        "New York",
        "NY",
        "11215",
        "40.6782",
        "-73.9442",
        NY,
        &[718, 347, 929],
        US_ISPS_EAST
    ),
    us!(
        "Boston",
        "Massachusetts",
        "MA",
        "02118",
        "42.3601",
        "-71.0589",
        NY,
        &[617, 857],
        US_ISPS_EAST
    ),
    us!(
        "Philadelphia",
        "Pennsylvania",
        "PA",
        "19103",
        "39.9526",
        "-75.1652",
        NY,
        &[215, 267],
        US_ISPS_EAST
    ),
    us!(
        "Pittsburgh",
        "Pennsylvania",
        "PA",
        "15213",
        "40.4406",
        "-79.9959",
        NY,
        &[412, 878],
        US_ISPS_EAST
    ),
    us!(
        "Washington",
        "District of Columbia",
        "DC",
        "20002",
        "38.9072",
        "-77.0369",
        NY,
        &[202],
        US_ISPS_EAST
    ),
    us!(
        "Arlington",
        "Virginia",
        "VA",
        "22201",
        "38.8816",
        "-77.0910",
        NY,
        &[703, 571],
        US_ISPS_EAST
    ),
    us!(
        "Baltimore",
        "Maryland",
        "MD",
        "21201",
        "39.2904",
        "-76.6122",
        NY,
        &[410, 443],
        US_ISPS_EAST
    ),
    us!(
        "Raleigh",
        "North Carolina",
        "NC",
        "27601",
        "35.7796",
        "-78.6382",
        NY,
        &[919, 984],
        US_ISPS_SOUTH
    ),
    us!(
        "Charlotte",
        "North Carolina",
        "NC",
        "28202",
        "35.2271",
        "-80.8431",
        NY,
        &[704, 980],
        US_ISPS_SOUTH
    ),
    us!(
        "Atlanta",
        "Georgia",
        "GA",
        "30303",
        "33.7490",
        "-84.3880",
        NY,
        &[404, 678, 470],
        US_ISPS_SOUTH
    ),
    us!(
        "Miami",
        "Florida",
        "FL",
        "33130",
        "25.7617",
        "-80.1918",
        NY,
        &[305, 786],
        US_ISPS_SOUTH
    ),
    us!(
        "Tampa",
        "Florida",
        "FL",
        "33602",
        "27.9506",
        "-82.4572",
        NY,
        &[813, 656],
        US_ISPS_SOUTH
    ),
    us!(
        "Orlando",
        "Florida",
        "FL",
        "32801",
        "28.5383",
        "-81.3792",
        NY,
        &[407, 321],
        US_ISPS_SOUTH
    ),
    us!(
        "Columbus",
        "Ohio",
        "OH",
        "43215",
        "39.9612",
        "-82.9988",
        NY,
        &[614, 380],
        US_ISPS_MID
    ),
    us!(
        "Detroit",
        "Michigan",
        "MI",
        "48226",
        "42.3314",
        "-83.0458",
        "America/Detroit",
        &[313],
        US_ISPS_MID
    ),
    us!(
        "Chicago",
        "Illinois",
        "IL",
        "60614",
        "41.8781",
        "-87.6298",
        CHI,
        &[312, 773, 872],
        US_ISPS_MID
    ),
    us!(
        "Minneapolis",
        "Minnesota",
        "MN",
        "55401",
        "44.9778",
        "-93.2650",
        CHI,
        &[612],
        US_ISPS_MID
    ),
    us!(
        "Milwaukee",
        "Wisconsin",
        "WI",
        "53202",
        "43.0389",
        "-87.9065",
        CHI,
        &[414],
        US_ISPS_MID
    ),
    us!(
        "St. Louis",
        "Missouri",
        "MO",
        "63101",
        "38.6270",
        "-90.1994",
        CHI,
        &[314],
        US_ISPS_MID
    ),
    us!(
        "Kansas City",
        "Missouri",
        "MO",
        "64105",
        "39.0997",
        "-94.5786",
        CHI,
        &[816],
        US_ISPS_MID
    ),
    us!(
        "Nashville",
        "Tennessee",
        "TN",
        "37203",
        "36.1627",
        "-86.7816",
        CHI,
        &[615, 629],
        US_ISPS_SOUTH
    ),
    us!(
        "Dallas",
        "Texas",
        "TX",
        "75201",
        "32.7767",
        "-96.7970",
        CHI,
        &[214, 469, 972],
        US_ISPS_SOUTH
    ),
    us!(
        "Houston",
        "Texas",
        "TX",
        "77002",
        "29.7604",
        "-95.3698",
        CHI,
        &[713, 281, 832],
        US_ISPS_SOUTH
    ),
    us!(
        "Austin",
        "Texas",
        "TX",
        "78701",
        "30.2672",
        "-97.7431",
        CHI,
        &[512, 737],
        US_ISPS_SOUTH
    ),
    us!(
        "San Antonio",
        "Texas",
        "TX",
        "78205",
        "29.4241",
        "-98.4936",
        CHI,
        &[210, 726],
        US_ISPS_SOUTH
    ),
    us!(
        "New Orleans",
        "Louisiana",
        "LA",
        "70112",
        "29.9511",
        "-90.0715",
        CHI,
        &[504],
        US_ISPS_SOUTH
    ),
    us!(
        "Denver",
        "Colorado",
        "CO",
        "80202",
        "39.7392",
        "-104.9903",
        DEN,
        &[303, 720],
        US_ISPS_WEST
    ),
    us!(
        "Salt Lake City",
        "Utah",
        "UT",
        "84101",
        "40.7608",
        "-111.8910",
        DEN,
        &[801, 385],
        US_ISPS_WEST
    ),
    us!(
        "Phoenix",
        "Arizona",
        "AZ",
        "85004",
        "33.4484",
        "-112.0740",
        "America/Phoenix",
        &[602, 480],
        US_ISPS_WEST
    ),
    us!(
        "Litchfield Park",
        "Arizona",
        "AZ",
        "85340",
        "33.4934",
        "-112.3579",
        "America/Phoenix",
        &[623],
        US_ISPS_WEST
    ),
    us!(
        "Las Vegas",
        "Nevada",
        "NV",
        "89101",
        "36.1699",
        "-115.1398",
        LA,
        &[702, 725],
        US_ISPS_WEST
    ),
    us!(
        "Los Angeles",
        "California",
        "CA",
        "90012",
        "34.0522",
        "-118.2437",
        LA,
        &[213, 310, 323],
        US_ISPS_WEST
    ),
    us!(
        "San Diego",
        "California",
        "CA",
        "92101",
        "32.7157",
        "-117.1611",
        LA,
        &[619, 858],
        US_ISPS_WEST
    ),
    us!(
        "San Francisco",
        "California",
        "CA",
        "94105",
        "37.7749",
        "-122.4194",
        LA,
        &[415, 628],
        US_ISPS_WEST
    ),
    us!(
        "San Jose",
        "California",
        "CA",
        "95113",
        "37.3382",
        "-121.8863",
        LA,
        &[408, 669],
        US_ISPS_WEST
    ),
    us!(
        "Sacramento",
        "California",
        "CA",
        "95814",
        "38.5816",
        "-121.4944",
        LA,
        &[916, 279],
        US_ISPS_WEST
    ),
    us!(
        "Portland",
        "Oregon",
        "OR",
        "97205",
        "45.5152",
        "-122.6784",
        LA,
        &[503, 971],
        US_ISPS_WEST
    ),
    us!(
        "Seattle",
        "Washington",
        "WA",
        "98101",
        "47.6062",
        "-122.3321",
        LA,
        &[206, 425],
        US_ISPS_WEST
    ),
    us!(
        "Boise",
        "Idaho",
        "ID",
        "83702",
        "43.6150",
        "-116.2023",
        "America/Boise",
        &[208, 986],
        US_ISPS_WEST
    ),
    // Contractors' homes.
    world!(
        "Warsaw",
        "Mazowieckie",
        "14",
        "Poland",
        "PL",
        "00-001",
        "52.2297",
        "21.0122",
        "Europe/Warsaw",
        Region::Abroad,
        &[19]
    ),
    world!(
        "Krakow",
        "Malopolskie",
        "12",
        "Poland",
        "PL",
        "30-001",
        "50.0647",
        "19.9450",
        "Europe/Warsaw",
        Region::Abroad,
        &[19]
    ),
    world!(
        "Lisbon",
        "Lisboa",
        "11",
        "Portugal",
        "PT",
        "1000-001",
        "38.7223",
        "-9.1393",
        "Europe/Lisbon",
        Region::Abroad,
        &[20]
    ),
    world!(
        "Porto",
        "Porto",
        "13",
        "Portugal",
        "PT",
        "4000-001",
        "41.1579",
        "-8.6291",
        "Europe/Lisbon",
        Region::Abroad,
        &[20]
    ),
    world!(
        "Mexico City",
        "Ciudad de Mexico",
        "CMX",
        "Mexico",
        "MX",
        "06000",
        "19.4326",
        "-99.1332",
        "America/Mexico_City",
        Region::Abroad,
        &[18]
    ),
    world!(
        "Guadalajara",
        "Jalisco",
        "JAL",
        "Mexico",
        "MX",
        "44100",
        "20.6597",
        "-103.3496",
        "America/Mexico_City",
        Region::Abroad,
        &[18]
    ),
    world!(
        "Manila",
        "Metro Manila",
        "00",
        "Philippines",
        "PH",
        "1000",
        "14.5995",
        "120.9842",
        "Asia/Manila",
        Region::Abroad,
        &[21]
    ),
    world!(
        "Cebu City",
        "Central Visayas",
        "07",
        "Philippines",
        "PH",
        "6000",
        "10.3157",
        "123.8854",
        "Asia/Manila",
        Region::Abroad,
        &[21]
    ),
    world!(
        "Buenos Aires",
        "Buenos Aires F.D.",
        "C",
        "Argentina",
        "AR",
        "C1002",
        "-34.6037",
        "-58.3816",
        "America/Argentina/Buenos_Aires",
        Region::Abroad,
        &[22]
    ),
    world!(
        "Sao Paulo",
        "Sao Paulo",
        "SP",
        "Brazil",
        "BR",
        "01000-000",
        "-23.5505",
        "-46.6333",
        "America/Sao_Paulo",
        Region::Abroad,
        &[23]
    ),
    world!(
        "Bengaluru",
        "Karnataka",
        "KA",
        "India",
        "IN",
        "560001",
        "12.9716",
        "77.5946",
        "Asia/Kolkata",
        Region::Abroad,
        &[24]
    ),
    // Travel destinations.
    world!(
        "London",
        "England",
        "ENG",
        "United Kingdom",
        "GB",
        "EC1A",
        "51.5074",
        "-0.1278",
        "Europe/London",
        Region::Travel,
        &[14]
    ),
    world!(
        "Paris",
        "Ile-de-France",
        "IDF",
        "France",
        "FR",
        "75001",
        "48.8566",
        "2.3522",
        "Europe/Paris",
        Region::Travel,
        &[15]
    ),
    world!(
        "Madrid",
        "Madrid",
        "MD",
        "Spain",
        "ES",
        "28001",
        "40.4168",
        "-3.7038",
        "Europe/Madrid",
        Region::Travel,
        &[16]
    ),
    world!(
        "Toronto",
        "Ontario",
        "ON",
        "Canada",
        "CA",
        "M5H",
        "43.6532",
        "-79.3832",
        "America/Toronto",
        Region::Travel,
        &[17]
    ),
    world!(
        "Cancun",
        "Quintana Roo",
        "ROO",
        "Mexico",
        "MX",
        "77500",
        "21.1619",
        "-86.8515",
        "America/Cancun",
        Region::Travel,
        &[18]
    ),
    // Egress of DPRK workers' own connections.
    world!(
        "Shenyang",
        "Liaoning",
        "LN",
        "China",
        "CN",
        "110000",
        "41.8057",
        "123.4315",
        "Asia/Shanghai",
        Region::Dprk,
        &[26]
    ),
    world!(
        "Dandong",
        "Liaoning",
        "LN",
        "China",
        "CN",
        "118000",
        "40.1290",
        "124.3947",
        "Asia/Shanghai",
        Region::Dprk,
        &[26]
    ),
    world!(
        "Vladivostok",
        "Primorskiy Kray",
        "PRI",
        "Russia",
        "RU",
        "690000",
        "43.1198",
        "131.8869",
        "Asia/Vladivostok",
        Region::Dprk,
        &[27]
    ),
    // VPN data centres.
    world!(
        "Ashburn",
        "Virginia",
        "VA",
        "United States",
        "US",
        "20147",
        "39.0438",
        "-77.4874",
        NY,
        Region::Datacenter,
        &[]
    ),
    world!(
        "Santa Clara",
        "California",
        "CA",
        "United States",
        "US",
        "95054",
        "37.3541",
        "-121.9552",
        LA,
        Region::Datacenter,
        &[]
    ),
    world!(
        "Secaucus",
        "New Jersey",
        "NJ",
        "United States",
        "US",
        "07094",
        "40.7895",
        "-74.0565",
        NY,
        Region::Datacenter,
        &[]
    ),
    world!(
        "Dallas",
        "Texas",
        "TX",
        "United States",
        "US",
        "75207",
        "32.7831",
        "-96.8067",
        CHI,
        Region::Datacenter,
        &[]
    ),
];

pub fn city_index(name: &str, region: Region) -> usize {
    CITIES
        .iter()
        .position(|c| c.name == name && c.region == region)
        .unwrap_or_else(|| panic!("city {name} missing from catalog"))
}

pub fn cities_in(region: Region) -> Vec<usize> {
    (0..CITIES.len())
        .filter(|&i| CITIES[i].region == region)
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetKind {
    Residential,
    Mobile,
    Business,
    CorporateVpn,
    ConsumerVpn,
}

pub struct Isp {
    pub as_org: &'static str,
    pub isp: &'static str,
    pub asn: u32,
    pub domain: &'static str,
    pub kind: NetKind,
    /// /16 blocks addresses are drawn from.
    pub blocks: &'static [(u8, u8)],
}

macro_rules! isp {
    ($org:expr, $isp:expr, $asn:expr, $domain:expr, $kind:expr, $blocks:expr) => {
        Isp {
            as_org: $org,
            isp: $isp,
            asn: $asn,
            domain: $domain,
            kind: $kind,
            blocks: $blocks,
        }
    };
}

pub const ISP_TMOBILE: usize = 7;
pub const ISP_VERIZON_WIRELESS: usize = 8;
pub const ISP_COGENT: usize = 10;
pub const ISP_LUMEN: usize = 11;
pub const ISP_ZSCALER: usize = 12;
pub const ISP_PRISMA: usize = 13;
pub const ISP_ASTRILL: usize = 25;
pub const ISP_CHINA_UNICOM: usize = 26;
pub const ISP_TRANSTELECOM: usize = 27;

pub const ISPS: &[Isp] = &[
    isp!(
        "comcast cable communications, llc",
        "comcast cable",
        7922,
        "comcast.net",
        NetKind::Residential,
        &[
            (73, 12),
            (73, 45),
            (73, 162),
            (98, 207),
            (24, 18),
            (69, 136)
        ]
    ),
    isp!(
        "charter communications inc",
        "spectrum",
        20115,
        "spectrum.com",
        NetKind::Residential,
        &[(76, 167), (97, 96), (174, 97), (66, 91), (71, 70)]
    ),
    isp!(
        "at&t services, inc.",
        "at&t internet",
        7018,
        "sbcglobal.net",
        NetKind::Residential,
        &[(99, 33), (107, 197), (108, 80), (76, 250)]
    ),
    isp!(
        "verizon business",
        "verizon fios",
        701,
        "verizon.net",
        NetKind::Residential,
        &[(71, 191), (96, 242), (100, 36), (108, 46)]
    ),
    isp!(
        "cox communications inc.",
        "cox communications",
        22773,
        "cox.net",
        NetKind::Residential,
        &[(68, 100), (70, 173), (72, 211)]
    ),
    isp!(
        "frontier communications of america, inc.",
        "frontier communications",
        5650,
        "frontiernet.net",
        NetKind::Residential,
        &[(47, 144), (50, 39)]
    ),
    isp!(
        "centurylink communications, llc",
        "centurylink",
        209,
        "qwest.net",
        NetKind::Residential,
        &[(63, 225), (67, 41), (75, 160)]
    ),
    isp!(
        "t-mobile usa, inc.",
        "t-mobile usa",
        21928,
        "tmodns.net",
        NetKind::Mobile,
        &[(172, 56), (172, 58)]
    ),
    isp!(
        "cellco partnership dba verizon wireless",
        "verizon wireless",
        6167,
        "myvzw.com",
        NetKind::Mobile,
        &[(174, 192), (174, 205)]
    ),
    isp!(
        "google fiber inc.",
        "google fiber",
        16591,
        "googlefiber.net",
        NetKind::Residential,
        &[(136, 49)]
    ),
    isp!(
        "cogent communications",
        "cogent communications",
        174,
        "cogentco.com",
        NetKind::Business,
        &[(38, 104), (38, 140)]
    ),
    isp!(
        "level 3 parent, llc",
        "lumen",
        3356,
        "lumen.com",
        NetKind::Business,
        &[(4, 14), (8, 44)]
    ),
    isp!(
        "zscaler, inc.",
        "zscaler",
        53813,
        "zscaler.net",
        NetKind::CorporateVpn,
        &[(165, 225), (136, 226)]
    ),
    isp!(
        "palo alto networks, inc",
        "palo alto networks",
        54538,
        "paloaltonetworks.com",
        NetKind::CorporateVpn,
        &[(134, 238), (208, 127)]
    ),
    isp!(
        "british telecommunications plc",
        "bt",
        2856,
        "bt.com",
        NetKind::Residential,
        &[(86, 128), (81, 157)]
    ),
    isp!(
        "orange s.a.",
        "orange",
        3215,
        "orange.fr",
        NetKind::Residential,
        &[(90, 12), (92, 184)]
    ),
    isp!(
        "telefonica de espana s.a.u.",
        "movistar",
        3352,
        "telefonica.es",
        NetKind::Residential,
        &[(80, 30), (83, 44)]
    ),
    isp!(
        "rogers communications canada inc.",
        "rogers",
        812,
        "rogers.com",
        NetKind::Residential,
        &[(99, 224), (174, 112)]
    ),
    isp!(
        "uninet s.a. de c.v.",
        "telmex",
        8151,
        "telmex.com",
        NetKind::Residential,
        &[(187, 189), (189, 203)]
    ),
    isp!(
        "orange polska spolka akcyjna",
        "orange polska",
        5617,
        "orange.pl",
        NetKind::Residential,
        &[(83, 20), (89, 64)]
    ),
    isp!(
        "meo - servicos de comunicacoes e multimedia, s.a.",
        "meo",
        3243,
        "meo.pt",
        NetKind::Residential,
        &[(85, 240), (94, 63)]
    ),
    isp!(
        "philippine long distance telephone company",
        "pldt",
        9299,
        "pldt.net",
        NetKind::Residential,
        &[(112, 198), (124, 106)]
    ),
    isp!(
        "telecom argentina s.a.",
        "telecom argentina",
        7303,
        "telecom.com.ar",
        NetKind::Residential,
        &[(181, 46), (190, 16)]
    ),
    isp!(
        "telefonica brasil s.a",
        "vivo",
        26599,
        "vivo.com.br",
        NetKind::Residential,
        &[(177, 32), (189, 100)]
    ),
    isp!(
        "reliance jio infocomm limited",
        "reliance jio",
        55836,
        "jio.com",
        NetKind::Residential,
        &[(49, 36), (49, 205)]
    ),
    isp!(
        "astrill systems corp",
        "Astrill Systems",
        206092,
        "astrill.com",
        NetKind::ConsumerVpn,
        &[(5, 181), (45, 89)]
    ),
    isp!(
        "china unicom china169 backbone",
        "china unicom liaoning",
        4837,
        "chinaunicom.cn",
        NetKind::Residential,
        &[(175, 167), (113, 224)]
    ),
    isp!(
        "joint stock company transtelecom",
        "transtelecom",
        20485,
        "ttk.ru",
        NetKind::Residential,
        &[(188, 43), (31, 173)]
    ),
];

pub const FIRST_NAMES: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Charles",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Steven",
    "Ashley",
    "Andrew",
    "Kimberly",
    "Joshua",
    "Emily",
    "Kevin",
    "Donna",
    "Brian",
    "Michelle",
    "Ryan",
    "Amanda",
    "Jacob",
    "Melissa",
    "Nicholas",
    "Stephanie",
    "Tyler",
    "Rebecca",
    "Brandon",
    "Laura",
    "Jose",
    "Maria",
    "Luis",
    "Guadalupe",
    "Carlos",
    "Rosa",
    "Juan",
    "Ana",
    "Miguel",
    "Sofia",
    "Jamal",
    "Aaliyah",
    "DeShawn",
    "Imani",
    "Marcus",
    "Keisha",
    "Andre",
    "Tiana",
    "Darnell",
    "Ebony",
    "Wei",
    "Mei",
    "Jian",
    "Xiu",
    "Hao",
    "Ying",
    "Priya",
    "Rahul",
    "Anjali",
    "Vikram",
    "Arjun",
    "Deepa",
    "Sanjay",
    "Neha",
    "Minh",
    "Linh",
    "Thanh",
    "Huong",
    "Tuan",
    "Mai",
    "Grace",
    "Daniel",
    "Joy",
    "Samuel",
    "Hannah",
    "Paul",
    "Esther",
    "Peter",
    "Rachel",
    "Isaac",
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Chloe",
    "Mason",
    "Omar",
    "Fatima",
    "Ali",
    "Layla",
    "Yusuf",
    "Amira",
    "Hassan",
    "Zainab",
    "Kwame",
    "Ama",
    "Dmitri",
    "Olga",
    "Ivan",
    "Natalia",
    "Sean",
    "Siobhan",
    "Patrick",
    "Erin",
    "Kenji",
    "Yuki",
];

pub const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Peterson",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "James",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Huang",
    "Wu",
    "Patel",
    "Shah",
    "Singh",
    "Kumar",
    "Gupta",
    "Tran",
    "Le",
    "Pham",
    "Vu",
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "O'Brien",
    "Sullivan",
    "Kowalski",
    "Novak",
    "Cohen",
    "Levy",
    "Rossi",
    "Russo",
    "Schmidt",
    "Mueller",
    "Ahmed",
    "Khan",
    "Hussein",
    "Okafor",
    "Mensah",
    "Ivanova",
    "Petrov",
    "Tanaka",
    "Sato",
    "Washington",
];

/// Korean surnames and given names used for honest Korean-American employees,
/// so that a name alone never separates DPRK workers from everyone else.
pub const KOREAN_LAST_NAMES: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
    "Oh", "Seo",
];
pub const KOREAN_FIRST_NAMES: &[&str] = &[
    "Ji-hoon",
    "Min-jung",
    "Seo-yeon",
    "Hyun-woo",
    "Ji-woo",
    "Eun-ji",
    "Sung-min",
    "Jae-won",
    "Grace",
    "Daniel",
    "Joseph",
    "Sarah",
    "David",
    "Esther",
    "Paul",
    "Christine",
];

/// Given and family names of contractors, by country code.
pub fn local_names(cc: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match cc {
        "PL" => (
            &[
                "Jakub",
                "Anna",
                "Piotr",
                "Katarzyna",
                "Tomasz",
                "Magdalena",
                "Krzysztof",
                "Agnieszka",
            ],
            &[
                "Nowak",
                "Kowalski",
                "Wisniewski",
                "Wojcik",
                "Kaminski",
                "Lewandowski",
                "Zielinski",
            ],
        ),
        "PT" => (
            &[
                "Joao", "Maria", "Tiago", "Ines", "Rui", "Beatriz", "Pedro", "Mariana",
            ],
            &[
                "Silva",
                "Santos",
                "Ferreira",
                "Pereira",
                "Oliveira",
                "Costa",
                "Rodrigues",
            ],
        ),
        "MX" => (
            &[
                "Alejandro",
                "Fernanda",
                "Diego",
                "Valeria",
                "Javier",
                "Daniela",
                "Ricardo",
            ],
            &[
                "Hernandez",
                "Garcia",
                "Martinez",
                "Lopez",
                "Gonzalez",
                "Perez",
                "Sanchez",
            ],
        ),
        "PH" => (
            &[
                "Mark",
                "Kristine",
                "John Paul",
                "Mary Grace",
                "Jerome",
                "Angelica",
                "Rommel",
            ],
            &[
                "Santos",
                "Reyes",
                "Cruz",
                "Bautista",
                "Dela Cruz",
                "Mendoza",
                "Villanueva",
            ],
        ),
        "AR" => (
            &[
                "Santiago",
                "Lucia",
                "Matias",
                "Camila",
                "Nicolas",
                "Florencia",
                "Martin",
            ],
            &[
                "Gonzalez",
                "Rodriguez",
                "Fernandez",
                "Lopez",
                "Diaz",
                "Romero",
                "Alvarez",
            ],
        ),
        "BR" => (
            &[
                "Gabriel", "Juliana", "Rafael", "Larissa", "Lucas", "Fernanda", "Bruno",
            ],
            &[
                "Silva", "Souza", "Oliveira", "Lima", "Carvalho", "Almeida", "Ribeiro",
            ],
        ),
        _ => (
            &[
                "Aditya",
                "Pooja",
                "Rohan",
                "Kavya",
                "Siddharth",
                "Ananya",
                "Varun",
            ],
            &["Sharma", "Iyer", "Reddy", "Nair", "Rao", "Menon", "Joshi"],
        ),
    }
}

pub const STREETS: &[&str] = &[
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Main",
    "Sunset",
    "Highland",
    "Willow",
    "Jefferson",
    "Lincoln",
    "Madison",
    "Franklin",
    "Chestnut",
    "Walnut",
    "Spring",
    "Ridge",
    "Meadow",
    "River",
    "Forest",
    "Church",
    "Mill",
    "Union",
    "Center",
    "Market",
    "Jackson",
    "Palm",
    "Magnolia",
    "Birch",
    "Aspen",
    "Sycamore",
    "Laurel",
    "Cherry",
    "Dogwood",
    "Hickory",
    "Juniper",
    "Bayview",
    "Harbor",
    "Prospect",
    "Lexington",
    "Greenwood",
    "Fairview",
    "Kingsley",
    "Westwood",
];

/// (abbreviation, full word) pairs; addresses use either at random.
pub const STREET_SUFFIXES: &[(&str, &str)] = &[
    ("St", "Street"),
    ("Ave", "Avenue"),
    ("Rd", "Road"),
    ("Dr", "Drive"),
    ("Ln", "Lane"),
    ("Blvd", "Boulevard"),
    ("Ct", "Court"),
    ("Way", "Way"),
    ("Pl", "Place"),
];

pub const DIRECTIONS: &[(&str, &str)] =
    &[("N", "North"), ("S", "South"), ("E", "East"), ("W", "West")];

pub const ENGINEERING_ROLES: &[&str] = &[
    "Software Engineer",
    "Senior Software Engineer",
    "Backend Engineer",
    "Frontend Developer",
    "Full Stack Developer",
    "Mobile Developer",
    "Data Engineer",
    "DevOps Engineer",
    "Blockchain Developer",
    "QA Automation Engineer",
    "Machine Learning Engineer",
];

pub const OTHER_ROLES: &[&str] = &[
    "Product Manager",
    "Product Designer",
    "Account Executive",
    "Customer Success Manager",
    "Technical Recruiter",
    "Accountant",
    "Marketing Manager",
    "Data Analyst",
    "HR Generalist",
    "Sales Development Representative",
    "Engineering Manager",
    "Financial Analyst",
];

pub const IT_ROLES: &[&str] = &[
    "IT Support Engineer",
    "Desktop Support Technician",
    "Systems Administrator",
    "IT Operations Specialist",
];

pub const COMPANY_PREFIXES: &[&str] = &[
    "Acme",
    "Bluepine",
    "Northwind",
    "Brightpath",
    "Cobalt",
    "Evergreen",
    "Granite",
    "Harbor",
    "Ironclad",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchard",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidewater",
    "Umber",
    "Vantage",
    "Willow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cascade",
    "Driftwood",
    "Ember",
    "Foxglove",
    "Gable",
    "Halcyon",
    "Indigo",
    "Kestrel",
    "Lattice",
    "Mosaic",
    "Nautilus",
    "Onyx",
    "Prairie",
    "Quill",
    "Riverbend",
    "Sable",
    "Talon",
    "Upland",
    "Verdant",
    "Wren",
];

pub const COMPANY_NOUNS: &[&str] = &[
    "Analytics",
    "Labs",
    "Software",
    "Systems",
    "Health",
    "Logistics",
    "Robotics",
    "Payments",
    "Cloud",
    "Data",
    "Security",
    "Networks",
    "Media",
    "Studios",
    "Bio",
    "Energy",
    "Finance",
    "Commerce",
    "Learning",
    "Mobility",
    "Devices",
    "Markets",
    "Insights",
    "Works",
    "Digital",
    "Ventures",
];

pub const COMPANY_SUFFIXES: &[&str] = &["Inc.", "LLC", "Corp.", "Co.", "", "Technologies", "Group"];

pub struct Program {
    pub name: &'static str,
    pub version: &'static str,
    pub publisher: &'static str,
    pub mac_path: &'static str,
    pub win_path: &'static str,
    pub process: &'static str,
}

macro_rules! program {
    ($name:expr, $version:expr, $publisher:expr, $mac:expr, $win:expr, $process:expr) => {
        Program {
            name: $name,
            version: $version,
            publisher: $publisher,
            mac_path: $mac,
            win_path: $win,
            process: $process,
        }
    };
}

pub const COMMON_PROGRAMS: &[Program] = &[
    program!(
        "Google Chrome",
        "131.0.6778.86",
        "Google LLC",
        "/Applications/Google Chrome.app",
        "C:\\Program Files\\Google\\Chrome\\Application",
        "chrome"
    ),
    program!(
        "Slack",
        "4.41.105",
        "Slack Technologies, LLC",
        "/Applications/Slack.app",
        "C:\\Users\\Public\\AppData\\Local\\slack",
        "slack"
    ),
    program!(
        "Zoom Workplace",
        "6.2.11",
        "Zoom Video Communications, Inc.",
        "/Applications/zoom.us.app",
        "C:\\Program Files\\Zoom\\bin",
        "zoom"
    ),
    program!(
        "Microsoft Teams",
        "24295.606.3238",
        "Microsoft Corporation",
        "/Applications/Microsoft Teams.app",
        "C:\\Program Files\\WindowsApps\\MSTeams",
        "ms-teams"
    ),
    program!(
        "1Password",
        "8.10.54",
        "AgileBits Inc.",
        "/Applications/1Password.app",
        "C:\\Program Files\\1Password\\app\\8",
        "1password"
    ),
    program!(
        "Visual Studio Code",
        "1.95.3",
        "Microsoft Corporation",
        "/Applications/Visual Studio Code.app",
        "C:\\Program Files\\Microsoft VS Code",
        "code"
    ),
    program!(
        "CrowdStrike Falcon Sensor",
        "7.19.18913",
        "CrowdStrike, Inc.",
        "/Applications/Falcon.app",
        "C:\\Program Files\\CrowdStrike",
        "falcond"
    ),
    program!(
        "Microsoft Outlook",
        "16.91",
        "Microsoft Corporation",
        "/Applications/Microsoft Outlook.app",
        "C:\\Program Files\\Microsoft Office\\root\\Office16",
        "outlook"
    ),
    program!(
        "Docker Desktop",
        "4.36.0",
        "Docker Inc.",
        "/Applications/Docker.app",
        "C:\\Program Files\\Docker\\Docker",
        "docker"
    ),
    program!(
        "Notion",
        "4.1.0",
        "Notion Labs, Inc.",
        "/Applications/Notion.app",
        "C:\\Program Files\\Notion",
        "notion"
    ),
    program!(
        "Okta Verify",
        "9.27.0",
        "Okta, Inc.",
        "/Applications/Okta Verify.app",
        "C:\\Program Files\\Okta\\Okta Verify",
        "okta-verify"
    ),
    program!(
        "Postman",
        "11.19.0",
        "Postman, Inc.",
        "/Applications/Postman.app",
        "C:\\Program Files\\Postman",
        "postman"
    ),
];

/// Remote-access tools (used both by DPRK operators and by honest IT staff).
pub const REMOTE_TOOLS: &[Program] = &[
    program!(
        "AnyDesk",
        "8.1.0",
        "AnyDesk Software GmbH",
        "/Applications/AnyDesk.app",
        "C:\\Program Files (x86)\\AnyDesk",
        "AnyDesk"
    ),
    program!(
        "Chrome Remote Desktop Host",
        "131.0.6778.39",
        "Google LLC",
        "/Library/PrivilegedHelperTools/ChromeRemoteDesktopHost.app",
        "C:\\Program Files (x86)\\Google\\Chrome Remote Desktop",
        "remoting_host"
    ),
    program!(
        "RustDesk",
        "1.3.2",
        "PURSLANE",
        "/Applications/RustDesk.app",
        "C:\\Program Files\\RustDesk",
        "rustdesk"
    ),
    program!(
        "TeamViewer",
        "15.59.5",
        "TeamViewer Germany GmbH",
        "/Applications/TeamViewer.app",
        "C:\\Program Files\\TeamViewer",
        "TeamViewer"
    ),
];

/// Mouse jigglers and keep-awake tools.
pub const JIGGLERS: &[Program] = &[
    program!(
        "Mouse Jiggler",
        "2.0.25",
        "Arkane Systems",
        "/Applications/Jiggler.app",
        "C:\\Program Files\\Arkane Systems\\Mouse Jiggler",
        "MouseJiggle"
    ),
    program!(
        "Move Mouse",
        "4.18.3",
        "Ellamity",
        "/Applications/Move Mouse.app",
        "C:\\Program Files\\WindowsApps\\Ellamity.MoveMouse",
        "Move Mouse"
    ),
    program!(
        "Amphetamine",
        "5.3.2",
        "William Gustafson",
        "/Applications/Amphetamine.app",
        "C:\\Program Files\\Amphetamine",
        "Amphetamine"
    ),
    program!(
        "Caffeine",
        "1.1.3",
        "IntelliScape Solutions",
        "/Applications/Caffeine.app",
        "C:\\Program Files\\Caffeine",
        "caffeine"
    ),
];

pub struct UsbDevice {
    pub vendor: &'static str,
    pub vendor_id: &'static str,
    pub model: &'static str,
    pub model_id: &'static str,
    pub serial: &'static str,
    pub class: &'static str,
    pub version: &'static str,
}

macro_rules! usb {
    ($vendor:expr, $vid:expr, $model:expr, $pid:expr, $serial:expr, $class:expr, $version:expr) => {
        UsbDevice {
            vendor: $vendor,
            vendor_id: $vid,
            model: $model,
            model_id: $pid,
            serial: $serial,
            class: $class,
            version: $version,
        }
    };
}

/// Ordinary peripherals. An empty serial means "draw a random one".
pub const COMMON_USB: &[UsbDevice] = &[
    usb!("Logitech", "046d", "USB Receiver", "c52b", "", "0", "12.11"),
    usb!(
        "Logitech",
        "046d",
        "HD Pro Webcam C920",
        "082d",
        "",
        "239",
        "0.11"
    ),
    usb!(
        "Yubico",
        "1050",
        "YubiKey OTP+FIDO+CCID",
        "0407",
        "0",
        "0",
        "5.43"
    ),
    usb!(
        "Apple Inc.",
        "05ac",
        "Magic Keyboard with Touch ID",
        "029c",
        "",
        "0",
        "1.00"
    ),
    usb!("Dell", "413c", "Dell dock", "b06e", "", "9", "1.01"),
    usb!(
        "Realtek",
        "0bda",
        "USB 10/100/1000 LAN",
        "8153",
        "",
        "0",
        "30.00"
    ),
    usb!("SanDisk", "0781", "Ultra Fit", "5583", "", "0", "1.00"),
    usb!("Jabra", "0b0e", "Jabra Evolve2 65", "24c8", "", "0", "1.21"),
];

/// Default USB identities of IP-KVM devices (ipkvm-watch indicators.yaml and
/// the lsusb captures beside it): all present as a Linux Foundation
/// multifunction composite gadget (1d6b:0104) with the maker in the strings.
pub const IPKVM_USB: &[UsbDevice] = &[
    usb!(
        "PiKVM",
        "1d6b",
        "PiKVM Composite Device",
        "0104",
        "CAFEBABE",
        "0",
        "1.00"
    ),
    usb!(
        "JetKVM",
        "1d6b",
        "USB Emulation Device",
        "0104",
        "",
        "0",
        "1.00"
    ),
    usb!(
        "tinypilot",
        "1d6b",
        "Multifunction Composite Gadget",
        "0104",
        "6b65796d696d6570690",
        "0",
        "1.00"
    ),
    usb!(
        "GLKVM",
        "1d6b",
        "Composite KVM Device",
        "0104",
        "CAFEBABE",
        "0",
        "1.00"
    ),
];

pub struct Agent {
    pub raw: &'static str,
    pub okta_os: &'static str,
    pub okta_browser: &'static str,
    pub entra_os: &'static str,
    pub entra_browser: &'static str,
    pub mobile: bool,
}

pub const AGENT_MAC: usize = 0;
pub const AGENT_WINDOWS: usize = 1;
pub const AGENT_WINDOWS_EDGE: usize = 2;
pub const AGENT_IPHONE: usize = 3;
pub const AGENT_ANDROID: usize = 4;

pub const AGENTS: &[Agent] = &[
    Agent {
        raw: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        okta_os: "Mac OS X",
        okta_browser: "CHROME",
        entra_os: "MacOs",
        entra_browser: "Chrome 131.0.0",
        mobile: false,
    },
    Agent {
        raw: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        okta_os: "Windows 10",
        okta_browser: "CHROME",
        entra_os: "Windows10",
        entra_browser: "Chrome 131.0.0",
        mobile: false,
    },
    Agent {
        raw: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        okta_os: "Windows 10",
        okta_browser: "EDGE_CHROMIUM",
        entra_os: "Windows10",
        entra_browser: "Edge 131.0.0",
        mobile: false,
    },
    Agent {
        raw: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        okta_os: "iOS",
        okta_browser: "SAFARI",
        entra_os: "Ios",
        entra_browser: "Mobile Safari 18.1",
        mobile: true,
    },
    Agent {
        raw: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
        okta_os: "Android",
        okta_browser: "CHROME",
        entra_os: "Android",
        entra_browser: "Chrome Mobile 131.0.6778",
        mobile: true,
    },
];

/// SaaS apps behind the IdP: (Okta app instance label, Okta app type, Entra appId, Entra app name).
pub const APPS: &[(&str, &str, &str, &str)] = &[
    (
        "Slack",
        "slack",
        "00000002-0000-0ff1-ce00-000000000000",
        "Office 365 Exchange Online",
    ),
    (
        "Google Workspace",
        "google",
        "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
        "Microsoft Teams",
    ),
    (
        "GitHub Enterprise Cloud",
        "githubcloud",
        "00000003-0000-0ff1-ce00-000000000000",
        "Office 365 SharePoint Online",
    ),
    (
        "Atlassian Cloud",
        "atlassian",
        "4765445b-32c6-49b0-83e6-1d93765276ca",
        "OfficeHome",
    ),
    (
        "Zoom",
        "zoomus",
        "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
        "Azure Portal",
    ),
    (
        "AWS IAM Identity Center",
        "amazon_aws_sso",
        "29d9ed98-a469-4536-ade2-f981bc1d605e",
        "Microsoft Authentication Broker",
    ),
];
