//! Sign-in activity of every employee over the window, rendered as Okta
//! System Log `LogEvent`s (`idp/okta/system_log-NNNN.ndjson`) or Microsoft
//! Graph `signIn` resources (`idp/entra/signins-NNNN.json`), depending on
//! the company's IdP.
//!
//! Activity is planned per employee and day from the person's situation:
//! honest people work their claimed time zone from home (or a co-working
//! space, a corporate VPN, a hotel abroad); a DPRK worker's laptop sits at a
//! laptop farm, always on, worked over an IP-KVM during Asian office hours,
//! with the operator's own machine appearing via Astrill VPN or from China or
//! Russia. Each day's events are sorted by time before they are written, so
//! the files are chronological like a real export.

use std::path::{Path, PathBuf};

use crate::catalog::{self, NetKind, AGENTS, APPS, CITIES, ISPS};
use crate::fmt::{self as f, push_iso_millis, push_iso_secs, push_str, push_u64};
use crate::output::SplitOutput;
use crate::rng::{mix64, Rng};
use crate::world::{
    self, behaviour, Idp, Net, Persona, World, WINDOW_DAYS, WINDOW_END, WINDOW_START,
    WINDOW_START_DAY,
};
use crate::SimError;

/// Events per output file before a new one is started.
pub const EVENTS_PER_FILE: u64 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    SessionStart,
    FailedLogin,
    Mfa,
    Sso,
    /// Background token refresh / app re-authentication (non-interactive).
    Refresh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceUse {
    Laptop,
    Phone,
    /// The operator's own computer (never enrolled, never compliant).
    Own,
}

#[derive(Clone, Copy, Debug)]
pub struct Ev {
    pub ts_ms: i64,
    pub emp: u32,
    pub day: u16,
    pub seq: u16,
    pub kind: Kind,
    pub app: u8,
    pub net: Net,
    pub device: DeviceUse,
    pub session: u64,
    pub salt: u64,
}

struct DayPlan<'a> {
    out: &'a mut Vec<Ev>,
    emp: u32,
    day: u16,
    seq: u16,
    /// Per employee-day salt; each event's own salt (ids, milliseconds) derives from it.
    salt: u64,
}

impl DayPlan<'_> {
    fn push(&mut self, ts_s: i64, kind: Kind, app: u8, net: Net, device: DeviceUse, session: u64) {
        let salt = mix64(self.salt ^ u64::from(self.seq));
        let ts_ms = ts_s * 1000 + (salt % 1000) as i64;
        if !(WINDOW_START * 1000..WINDOW_END * 1000).contains(&ts_ms) {
            return;
        }
        self.out.push(Ev {
            ts_ms,
            emp: self.emp,
            day: self.day,
            seq: self.seq,
            kind,
            app,
            net,
            device,
            session,
            salt,
        });
        self.seq += 1;
    }
}

/// UTC seconds of `local_secs` after local midnight of window day `day`, in a
/// zone whose offset (seconds) is `offset`.
fn at_local(day: i64, local_secs: i64, offset: i64) -> i64 {
    WINDOW_START + day * 86_400 + local_secs - offset
}

fn random_app(rng: &mut Rng) -> u8 {
    rng.index(APPS.len()) as u8
}

/// One ordinary working day in the zone with offset `offset`, from `net`.
#[allow(clippy::too_many_arguments)]
fn office_day(
    p: &mut DayPlan,
    rng: &mut Rng,
    day: i64,
    offset: i64,
    net: Net,
    alt_net: Option<(Net, f64)>,
    phone_net: Net,
) {
    let weekday = f::weekday(WINDOW_START_DAY + day);
    let pick_net = |rng: &mut Rng| match alt_net {
        Some((alt, share)) if rng.chance(share) => alt,
        _ => net,
    };
    if weekday >= 5 {
        if rng.chance(0.1) {
            let t = at_local(day, rng.range(10 * 3600, 17 * 3600) as i64, offset);
            let session = rng.next_u64();
            let n = pick_net(rng);
            p.push(t, Kind::SessionStart, 0, n, DeviceUse::Laptop, session);
            p.push(
                t + rng.range(20, 600) as i64,
                Kind::Sso,
                random_app(rng),
                n,
                DeviceUse::Laptop,
                session,
            );
        }
        return;
    }
    let start = 7 * 3600 + 1800 + rng.below(2 * 3600) as i64;
    let end = start + 8 * 3600 + rng.below(5400) as i64;
    let session = rng.next_u64();
    let n = pick_net(rng);
    if rng.chance(0.05) {
        p.push(
            at_local(day, start - 40, offset),
            Kind::FailedLogin,
            0,
            n,
            DeviceUse::Laptop,
            session,
        );
    }
    p.push(
        at_local(day, start, offset),
        Kind::SessionStart,
        0,
        n,
        DeviceUse::Laptop,
        session,
    );
    if rng.chance(0.5) {
        p.push(
            at_local(day, start + rng.range(5, 40) as i64, offset),
            Kind::Mfa,
            0,
            n,
            DeviceUse::Laptop,
            session,
        );
    }
    for _ in 0..rng.range(2, 4) {
        let t = rng.range(start as u64, end as u64) as i64;
        p.push(
            at_local(day, t, offset),
            Kind::Sso,
            random_app(rng),
            n,
            DeviceUse::Laptop,
            session,
        );
    }
    if rng.chance(0.25) {
        let session = rng.next_u64();
        let n = pick_net(rng);
        let t = rng.range((start + 4 * 3600) as u64, end as u64) as i64;
        p.push(
            at_local(day, t, offset),
            Kind::SessionStart,
            0,
            n,
            DeviceUse::Laptop,
            session,
        );
        p.push(
            at_local(day, t + rng.range(10, 900) as i64, offset),
            Kind::Sso,
            random_app(rng),
            n,
            DeviceUse::Laptop,
            session,
        );
    }
    if rng.chance(0.1) {
        let t = rng.range(18 * 3600, 22 * 3600) as i64;
        p.push(
            at_local(day, t, offset),
            Kind::SessionStart,
            0,
            phone_net,
            DeviceUse::Phone,
            rng.next_u64(),
        );
    }
}

fn mobile_net(emp: &world::Employee, rng: &mut Rng) -> Net {
    let isp = emp.mobile_isp;
    if ISPS[isp].kind != NetKind::Mobile {
        return emp.home_net;
    }
    // Carrier-grade NAT: a different address from the carrier's blocks most days.
    let blocks = ISPS[isp].blocks;
    let (a, b) = blocks[rng.index(blocks.len())];
    Net {
        ip: (u32::from(a) << 24) | (u32::from(b) << 16) | (rng.range(256, 65_279) as u32),
        isp: isp as u16,
        city: emp.city as u16,
    }
}

/// Plans employee `e`'s sign-ins on window day `day`.
pub fn plan_day(world: &World, e: usize, day: i64, seed: u64, out: &mut Vec<Ev>) {
    let emp = &world.employees[e];
    let mut rng = Rng::stream(seed, "signin-day", ((e as u64) << 8) | day as u64);
    let rng = &mut rng;
    let mut p = DayPlan {
        out,
        emp: e as u32,
        day: day as u16,
        seq: 0,
        salt: rng.next_u64(),
    };
    let noon = WINDOW_START + day * 86_400 + 12 * 3600;
    let home_offset = world::zone_offset(emp.zone, noon);
    let phone = mobile_net(emp, rng);
    match emp.persona {
        Persona::Dprk(j) => dprk_day(world, j, &mut p, rng, day),
        Persona::Traveller => {
            let trip = emp.trip.as_ref().expect("travellers have a trip");
            if (trip.first_day..trip.first_day + trip.days).contains(&day) {
                let zone = catalog::zone_index(CITIES[trip.city].zone);
                let offset = world::zone_offset(zone, noon);
                office_day(&mut p, rng, day, offset, trip.net, None, trip.net);
            } else {
                office_day(&mut p, rng, day, home_offset, emp.home_net, None, phone);
            }
        }
        Persona::Cowork(k) => {
            let space = world.coworks[k].net;
            // Members go to the space on about three weekdays out of five.
            let at_space = mix64(((e as u64) << 16) ^ day as u64 ^ seed) % 5 < 3;
            let net = if at_space { space } else { emp.home_net };
            office_day(&mut p, rng, day, home_offset, net, None, phone);
        }
        Persona::CorpVpn => {
            let vpn = emp.vpn_net.expect("VPN users have an egress");
            office_day(
                &mut p,
                rng,
                day,
                home_offset,
                emp.home_net,
                Some((vpn, 0.85)),
                phone,
            );
        }
        _ => office_day(&mut p, rng, day, home_offset, emp.home_net, None, phone),
    }
}

fn dprk_day(world: &World, j: usize, p: &mut DayPlan, rng: &mut Rng, day: i64) {
    let w = &world.workers[j];
    let emp = &world.employees[w.emp];
    let farm = world.farms[w.farm].net;
    let asia_offset = w.asia_offset_h * 3600;
    let day_utc = WINDOW_START + day * 86_400;
    if w.has(behaviour::ALWAYS_ON) {
        // The farm laptop never sleeps: apps keep re-authenticating around the clock.
        let session = mix64(rng.next_u64() ^ 0xa1);
        let mut t = rng.below(3600) as i64;
        while t < 86_400 {
            let app = if rng.chance(0.7) { 0 } else { random_app(rng) };
            p.push(
                day_utc + t,
                Kind::Refresh,
                app,
                farm,
                DeviceUse::Laptop,
                session,
            );
            t += rng.range(60 * 60, 130 * 60) as i64;
        }
    }
    let (offset, asia) = if w.has(behaviour::ASIA_HOURS) {
        (asia_offset, true)
    } else {
        (world::zone_offset(emp.zone, day_utc + 12 * 3600), false)
    };
    let local_weekday = f::weekday(WINDOW_START_DAY + day);
    // Operators work six days a week.
    let active = local_weekday != 6 && (asia || local_weekday != 5) && rng.chance(0.93);
    let start = 8 * 3600 + 1800 + rng.below(3600) as i64;
    let end = 17 * 3600 + 1800 + rng.below(5400) as i64;
    if active {
        let session = rng.next_u64();
        p.push(
            at_local(day, start, offset),
            Kind::SessionStart,
            0,
            farm,
            DeviceUse::Laptop,
            session,
        );
        if rng.chance(0.7) {
            p.push(
                at_local(day, start + rng.range(5, 60) as i64, offset),
                Kind::Mfa,
                0,
                farm,
                DeviceUse::Laptop,
                session,
            );
        }
        for _ in 0..rng.range(3, 8) {
            let t = rng.range(start as u64, end as u64) as i64;
            p.push(
                at_local(day, t, offset),
                Kind::Sso,
                random_app(rng),
                farm,
                DeviceUse::Laptop,
                session,
            );
        }
        if w.has(behaviour::ASTRILL) && rng.chance(0.45) {
            let net = *rng.pick(&w.astrill);
            let session = rng.next_u64();
            let t = rng.range(start as u64, end as u64) as i64;
            p.push(
                at_local(day, t, offset),
                Kind::SessionStart,
                0,
                net,
                DeviceUse::Own,
                session,
            );
            p.push(
                at_local(day, t + rng.range(20, 400) as i64, offset),
                Kind::Sso,
                random_app(rng),
                net,
                DeviceUse::Own,
                session,
            );
        }
    }
    // A few slips a month: signing in from the operator's own connection.
    let slip = |salt: u64| (mix64(j as u64 ^ salt) + day as u64) % 9 == 0;
    for (net, salt) in [(w.china, 0xc4), (w.russia, 0x52)] {
        if let Some(net) = net {
            if slip(salt) {
                let t = at_local(day, rng.range(start as u64, end as u64) as i64, asia_offset);
                let kind = if rng.chance(0.4) {
                    Kind::FailedLogin
                } else {
                    Kind::SessionStart
                };
                p.push(t, kind, 0, net, DeviceUse::Own, rng.next_u64());
            }
        }
    }
}

/// Plans all days for `emps`, sorts chronologically and hands each event to `sink`.
fn generate<F>(world: &World, seed: u64, emps: &[usize], mut sink: F) -> Result<(), SimError>
where
    F: FnMut(&Ev) -> Result<(), SimError>,
{
    let mut pending: Vec<Ev> = Vec::new();
    let key = |e: &Ev| (e.ts_ms, e.emp, e.day, e.seq);
    for day in 0..WINDOW_DAYS {
        for &e in emps {
            plan_day(world, e, day, seed, &mut pending);
        }
        pending.sort_unstable_by_key(key);
        // Later days cannot produce events before 12:00 UTC of this day
        // (no zone is ahead of UTC+12 at local midnight minus the margin).
        let boundary = if day + 1 == WINDOW_DAYS {
            i64::MAX
        } else {
            (WINDOW_START + day * 86_400 + 12 * 3600) * 1000
        };
        let cut = pending.partition_point(|e| e.ts_ms < boundary);
        for ev in &pending[..cut] {
            sink(ev)?;
        }
        pending.drain(..cut);
    }
    Ok(())
}

pub struct StreamOutput {
    pub files: Vec<PathBuf>,
    pub records: u64,
}

fn idp_employees(world: &World, idp: Idp) -> Vec<usize> {
    (0..world.employees.len())
        .filter(|&e| world.companies[world.employees[e].company].idp == idp)
        .collect()
}

fn is_proxy(isp: usize) -> bool {
    matches!(ISPS[isp].kind, NetKind::ConsumerVpn) || isp == catalog::ISP_ZSCALER
}

// ---------------------------------------------------------------- Okta

struct OktaCtx {
    actors: Vec<String>,
    geo: Vec<String>,
    security: Vec<String>,
    user_agents: Vec<String>,
    app_targets: Vec<Vec<String>>,
}

impl OktaCtx {
    fn new(world: &World, seed: u64) -> Self {
        let actors = world
            .employees
            .iter()
            .map(|e| {
                format!(
                    "\"actor\":{{\"id\":\"{}\",\"type\":\"User\",\"alternateId\":{},\"displayName\":{}}}",
                    e.idp_user_id,
                    f::json_str(&e.email),
                    f::json_str(&e.full_name)
                )
            })
            .collect();
        let geo = CITIES
            .iter()
            .map(|c| {
                format!(
                    "\"geographicalContext\":{{\"city\":{},\"state\":{},\"country\":{},\"postalCode\":{},\"geolocation\":{{\"lat\":{},\"lon\":{}}}}}",
                    f::json_str(c.name),
                    f::json_str(c.state),
                    f::json_str(c.country),
                    f::json_str(c.postal),
                    c.lat,
                    c.lon
                )
            })
            .collect();
        let security = ISPS
            .iter()
            .enumerate()
            .map(|(i, isp)| {
                format!(
                    "\"securityContext\":{{\"asNumber\":{},\"asOrg\":{},\"isp\":{},\"domain\":{},\"isProxy\":{}}}",
                    isp.asn,
                    f::json_str(isp.as_org),
                    f::json_str(isp.isp),
                    f::json_str(isp.domain),
                    is_proxy(i)
                )
            })
            .collect();
        let user_agents = AGENTS
            .iter()
            .map(|a| {
                format!(
                    "\"userAgent\":{{\"rawUserAgent\":{},\"os\":{},\"browser\":{}}}",
                    f::json_str(a.raw),
                    f::json_str(a.okta_os),
                    f::json_str(a.okta_browser)
                )
            })
            .collect();
        let app_targets = world
            .companies
            .iter()
            .enumerate()
            .map(|(c, _)| {
                let mut r = Rng::stream(seed, "okta-apps", c as u64);
                APPS.iter()
                    .map(|(label, _, _, _)| {
                        format!(
                            "[{{\"id\":\"{}\",\"type\":\"AppInstance\",\"alternateId\":{},\"displayName\":{}}}]",
                            crate::people::okta_id(&mut r, "0oa"),
                            f::json_str(label),
                            f::json_str(label)
                        )
                    })
                    .collect()
            })
            .collect();
        OktaCtx {
            actors,
            geo,
            security,
            user_agents,
            app_targets,
        }
    }
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn push_b62(buf: &mut Vec<u8>, mut x: u64, n: usize) {
    for i in 0..n {
        if i % 10 == 9 {
            x = mix64(x);
        }
        buf.push(B62[(x % 62) as usize]);
        x /= 62;
    }
}

fn okta_line(buf: &mut Vec<u8>, ctx: &OktaCtx, world: &World, ev: &Ev) {
    let emp = &world.employees[ev.emp as usize];
    let agent = match ev.device {
        DeviceUse::Laptop => emp.laptop_agent,
        DeviceUse::Phone => emp.phone_agent,
        DeviceUse::Own => catalog::AGENT_WINDOWS,
    };
    let (event_type, message, legacy, severity) = match ev.kind {
        Kind::SessionStart => (
            "user.session.start",
            "User login to Okta",
            "core.user_auth.login_success",
            "INFO",
        ),
        Kind::FailedLogin => (
            "user.session.start",
            "User login to Okta",
            "core.user_auth.login_failed",
            "WARN",
        ),
        Kind::Mfa => (
            "user.authentication.auth_via_mfa",
            "Authentication of user via MFA",
            "core.user.factor.attempt_success",
            "INFO",
        ),
        Kind::Sso | Kind::Refresh => (
            "user.authentication.sso",
            "User single sign on to app",
            "app.auth.sso",
            "INFO",
        ),
    };
    buf.push(b'{');
    push_str(buf, &ctx.actors[ev.emp as usize]);
    push_str(buf, ",\"client\":{");
    push_str(buf, &ctx.user_agents[agent]);
    push_str(buf, ",\"zone\":\"null\",\"device\":");
    push_str(
        buf,
        if ev.device == DeviceUse::Phone {
            "\"Mobile\""
        } else {
            "\"Computer\""
        },
    );
    push_str(buf, ",\"id\":null,\"ipAddress\":\"");
    f::push_ipv4(buf, ev.net.ip);
    push_str(buf, "\",");
    let geo = &ctx.geo[ev.net.city as usize];
    push_str(buf, geo);
    push_str(
        buf,
        "},\"authenticationContext\":{\"authenticationStep\":0,\"externalSessionId\":\"",
    );
    if ev.kind == Kind::FailedLogin {
        push_str(buf, "unknown");
    } else {
        push_str(buf, "102");
        push_b62(buf, ev.session, 22);
    }
    push_str(buf, "\"},\"displayMessage\":\"");
    push_str(buf, message);
    push_str(buf, "\",\"eventType\":\"");
    push_str(buf, event_type);
    push_str(buf, "\",\"outcome\":{\"result\":");
    if ev.kind == Kind::FailedLogin {
        push_str(buf, "\"FAILURE\",\"reason\":\"INVALID_CREDENTIALS\"}");
    } else {
        push_str(buf, "\"SUCCESS\",\"reason\":null}");
    }
    push_str(buf, ",\"published\":\"");
    push_iso_millis(buf, ev.ts_ms);
    push_str(buf, "\",");
    push_str(buf, &ctx.security[ev.net.isp as usize]);
    push_str(buf, ",\"severity\":\"");
    push_str(buf, severity);
    push_str(buf, "\",\"debugContext\":{\"debugData\":{\"requestId\":\"");
    let id_at = buf.len();
    push_b62(buf, ev.salt, 27);
    let request_id = buf[id_at..].to_vec();
    push_str(buf, "\"}},\"legacyEventType\":\"");
    push_str(buf, legacy);
    push_str(buf, "\",\"transaction\":{\"type\":\"WEB\",\"id\":\"");
    buf.extend_from_slice(&request_id);
    push_str(buf, "\",\"detail\":{}},\"uuid\":\"");
    f::push_uuid(buf, mix64(ev.salt), mix64(ev.salt ^ 0x55));
    push_str(
        buf,
        "\",\"version\":\"0\",\"request\":{\"ipChain\":[{\"ip\":\"",
    );
    f::push_ipv4(buf, ev.net.ip);
    push_str(buf, "\",\"version\":\"V4\",\"source\":null}]},\"target\":");
    match ev.kind {
        Kind::Sso | Kind::Refresh => push_str(buf, &ctx.app_targets[emp.company][ev.app as usize]),
        Kind::Mfa => {
            // The user's Okta Verify enrollment: stable per user.
            push_str(buf, "[{\"id\":\"pfd");
            push_b62(buf, mix64(u64::from(ev.emp) ^ 0x0f7a), 17);
            push_str(buf, "\",\"type\":\"AuthenticatorEnrollment\",\"alternateId\":\"unknown\",\"displayName\":\"Okta Verify\",\"detailEntry\":{\"methodTypeUsed\":\"Use Okta Verify Push\",\"methodUsedVerifiedProperties\":\"[DEVICE_BOUND, HARDWARE_PROTECTED, USER_PRESENCE]\"}}]");
        }
        _ => push_str(buf, "[]"),
    }
    push_str(buf, "}\n");
}

/// Writes the Okta System Log of all Okta companies.
pub fn write_okta(world: &World, seed: u64, root: &Path) -> Result<StreamOutput, SimError> {
    let emps = idp_employees(world, Idp::Okta);
    let ctx = OktaCtx::new(world, seed);
    let mut out = SplitOutput::new(
        root.join("idp").join("okta"),
        "system_log",
        "ndjson",
        EVENTS_PER_FILE,
    );
    let mut line = Vec::with_capacity(4096);
    generate(world, seed, &emps, |ev| {
        line.clear();
        okta_line(&mut line, &ctx, world, ev);
        out.record(&line)
    })?;
    let (files, records) = out.finish()?;
    Ok(StreamOutput { files, records })
}

// ---------------------------------------------------------------- Entra

struct EntraCtx {
    users: Vec<String>,
    laptops: Vec<String>,
    locations: Vec<String>,
    agents: Vec<String>,
}

impl EntraCtx {
    fn new(world: &World) -> Self {
        let users = world
            .employees
            .iter()
            .map(|e| {
                format!(
                    "\"userDisplayName\":{},\"userPrincipalName\":{},\"userId\":\"{}\"",
                    f::json_str(&e.full_name),
                    f::json_str(&e.email),
                    e.idp_user_id
                )
            })
            .collect();
        let laptops = world
            .employees
            .iter()
            .map(|e| {
                let a = &AGENTS[e.laptop_agent];
                format!(
                    "\"deviceDetail\":{{\"deviceId\":\"{}\",\"displayName\":{},\"operatingSystem\":\"{}\",\"browser\":\"{}\",\"isCompliant\":true,\"isManaged\":true,\"trustType\":\"{}\"}}",
                    e.device_uuid.to_lowercase(),
                    f::json_str(&e.hostname),
                    a.entra_os,
                    a.entra_browser,
                    if e.mac { "Azure AD registered" } else { "Azure AD joined" }
                )
            })
            .collect();
        let locations = CITIES
            .iter()
            .map(|c| {
                format!(
                    "\"location\":{{\"city\":{},\"state\":{},\"countryOrRegion\":\"{}\",\"geoCoordinates\":{{\"altitude\":null,\"latitude\":{},\"longitude\":{}}}}}",
                    f::json_str(c.name),
                    f::json_str(c.state),
                    c.cc,
                    c.lat,
                    c.lon
                )
            })
            .collect();
        let agents = AGENTS
            .iter()
            .map(|a| {
                format!(
                    "\"deviceDetail\":{{\"deviceId\":\"\",\"displayName\":\"\",\"operatingSystem\":\"{}\",\"browser\":\"{}\",\"isCompliant\":false,\"isManaged\":false,\"trustType\":\"\"}}",
                    a.entra_os, a.entra_browser
                )
            })
            .collect();
        EntraCtx {
            users,
            laptops,
            locations,
            agents,
        }
    }
}

fn entra_line(buf: &mut Vec<u8>, ctx: &EntraCtx, world: &World, ev: &Ev) {
    let emp = &world.employees[ev.emp as usize];
    let agent = match ev.device {
        DeviceUse::Laptop => emp.laptop_agent,
        DeviceUse::Phone => emp.phone_agent,
        DeviceUse::Own => catalog::AGENT_WINDOWS,
    };
    let (app_id, app_name) = match ev.kind {
        Kind::SessionStart | Kind::FailedLogin | Kind::Mfa => (APPS[3].2, APPS[3].3),
        Kind::Refresh => (APPS[(ev.app as usize) % 2].2, APPS[(ev.app as usize) % 2].3),
        Kind::Sso => (APPS[ev.app as usize].2, APPS[ev.app as usize].3),
    };
    let interactive = ev.kind != Kind::Refresh;
    buf.extend_from_slice(b"{\"id\":\"");
    f::push_uuid(buf, mix64(ev.salt), mix64(ev.salt ^ 0x55));
    push_str(buf, "\",\"createdDateTime\":\"");
    push_iso_secs(buf, ev.ts_ms / 1000);
    push_str(buf, "\",");
    push_str(buf, &ctx.users[ev.emp as usize]);
    push_str(buf, ",\"appId\":\"");
    push_str(buf, app_id);
    push_str(buf, "\",\"appDisplayName\":\"");
    push_str(buf, app_name);
    push_str(buf, "\",\"ipAddress\":\"");
    f::push_ipv4(buf, ev.net.ip);
    push_str(buf, "\",\"clientAppUsed\":\"");
    push_str(
        buf,
        if interactive && ev.device != DeviceUse::Phone {
            "Browser"
        } else {
            "Mobile Apps and Desktop clients"
        },
    );
    push_str(buf, "\",\"correlationId\":\"");
    f::push_uuid(buf, ev.session, mix64(ev.session));
    push_str(buf, "\",\"conditionalAccessStatus\":\"");
    push_str(
        buf,
        if interactive && ev.kind != Kind::FailedLogin {
            "success"
        } else {
            "notApplied"
        },
    );
    push_str(buf, "\",\"isInteractive\":");
    push_str(buf, if interactive { "true" } else { "false" });
    let isp = ev.net.isp as usize;
    let anonymized = ISPS[isp].kind == NetKind::ConsumerVpn && ev.salt % 2 == 0;
    let (risk_level, risk_state) = if anonymized {
        ("low", "atRisk")
    } else {
        ("none", "none")
    };
    push_str(buf, ",\"riskDetail\":\"none\",\"riskLevelAggregated\":\"");
    push_str(buf, risk_level);
    push_str(buf, "\",\"riskState\":\"");
    push_str(buf, risk_state);
    push_str(buf, "\",\"status\":");
    if ev.kind == Kind::FailedLogin {
        push_str(buf, "{\"errorCode\":50126,\"failureReason\":\"Error validating credentials due to invalid username or password.\",\"additionalDetails\":\"The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.\"}");
    } else {
        push_str(
            buf,
            "{\"errorCode\":0,\"failureReason\":\"Other.\",\"additionalDetails\":null}",
        );
    }
    push_str(buf, ",");
    match ev.device {
        DeviceUse::Laptop => push_str(buf, &ctx.laptops[ev.emp as usize]),
        _ => push_str(buf, &ctx.agents[agent]),
    }
    push_str(buf, ",");
    push_str(buf, &ctx.locations[ev.net.city as usize]);
    push_str(buf, ",\"autonomousSystemNumber\":");
    push_u64(buf, u64::from(ISPS[isp].asn));
    push_str(buf, ",\"networkLocationDetails\":");
    if ISPS[isp].kind == NetKind::CorporateVpn {
        push_str(buf, "[{\"networkType\":\"trustedNamedLocation\",\"networkNames\":[\"Corporate VPN egress\"]}]");
    } else {
        push_str(buf, "[]");
    }
    push_str(buf, "}\n");
}

/// Writes the Entra ID sign-in log of all Entra companies.
pub fn write_entra(world: &World, seed: u64, root: &Path) -> Result<StreamOutput, SimError> {
    let emps = idp_employees(world, Idp::Entra);
    let ctx = EntraCtx::new(world);
    let mut out = SplitOutput::new(
        root.join("idp").join("entra"),
        "signins",
        "json",
        EVENTS_PER_FILE,
    );
    let mut line = Vec::with_capacity(4096);
    generate(world, seed, &emps, |ev| {
        line.clear();
        entra_line(&mut line, &ctx, world, ev);
        out.record(&line)
    })?;
    let (files, records) = out.finish()?;
    Ok(StreamOutput { files, records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scale;

    #[test]
    fn okta_and_entra_lines_are_json() {
        let world = World::generate(5, Scale::Tiny);
        let okta_ctx = OktaCtx::new(&world, 5);
        let entra_ctx = EntraCtx::new(&world);
        let mut evs = Vec::new();
        for e in 0..world.employees.len() {
            plan_day(&world, e, 8, 5, &mut evs);
        }
        assert!(!evs.is_empty());
        let mut buf = Vec::new();
        for ev in &evs {
            buf.clear();
            okta_line(&mut buf, &okta_ctx, &world, ev);
            let v: serde_json::Value = serde_json::from_slice(&buf).expect("okta json");
            assert!(v["published"].as_str().unwrap().ends_with('Z'));
            buf.clear();
            entra_line(&mut buf, &entra_ctx, &world, ev);
            let v: serde_json::Value = serde_json::from_slice(&buf).expect("entra json");
            assert!(v["createdDateTime"].as_str().unwrap().ends_with('Z'));
        }
    }
}
