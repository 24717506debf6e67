//! Endpoint telemetry: an osquery result log (`endpoint/osquery-NNNN.log`)
//! for every corporate laptop, mixing the two formats osqueryd writes:
//! differential "event" lines (`"action":"added","columns":{...}`) and
//! batched snapshots (`"action":"snapshot","snapshot":[...]`).
//!
//! Queries: `system_info` (carries the hardware serial that ties the host to
//! `hr/devices.csv`), `pack_inventory_usb_devices` (IP-KVM gadgets on farm
//! laptops), `pack_inventory_programs` and `pack_inventory_processes`
//! (remote-access tools and mouse jigglers). All column values are strings,
//! as osqueryd emits them with `numerics: false`.

use std::path::{Path, PathBuf};

use crate::catalog::{
    Program, UsbDevice, COMMON_PROGRAMS, COMMON_USB, IPKVM_USB, JIGGLERS, REMOTE_TOOLS,
};
use crate::fmt::{self as f, push_json_str, push_str, push_u64};
use crate::output::SplitOutput;
use crate::people::random_chars;
use crate::rng::Rng;
use crate::world::{Employee, Persona, World, WINDOW_START};
use crate::SimError;

pub const ROWS_PER_FILE: u64 = 1_000_000;

pub struct EndpointOutput {
    pub files: Vec<PathBuf>,
    pub rows: u64,
}

struct Host<'a> {
    emp: &'a Employee,
    uuid: &'a str,
}

fn header(buf: &mut Vec<u8>, name: &str, host: &Host, unix: i64, counter: u64) {
    push_str(buf, "\"name\":\"");
    push_str(buf, name);
    push_str(buf, "\",\"hostIdentifier\":");
    push_json_str(buf, &host.emp.hostname);
    push_str(buf, ",\"calendarTime\":\"");
    f::push_calendar_time(buf, unix);
    push_str(buf, "\",\"unixTime\":");
    push_u64(buf, unix as u64);
    push_str(buf, ",\"epoch\":0,\"counter\":");
    push_u64(buf, counter);
    push_str(buf, ",\"numerics\":false,\"decorations\":{\"host_uuid\":\"");
    push_str(buf, host.uuid);
    push_str(buf, "\",\"hostname\":");
    push_json_str(buf, &host.emp.hostname);
    push_str(buf, "}");
}

fn columns(buf: &mut Vec<u8>, cols: &[(&str, &str)]) {
    buf.push(b'{');
    for (i, (k, v)) in cols.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        push_json_str(buf, k);
        buf.push(b':');
        push_json_str(buf, v);
    }
    buf.push(b'}');
}

fn event_line(
    buf: &mut Vec<u8>,
    name: &str,
    host: &Host,
    unix: i64,
    counter: u64,
    cols: &[(&str, &str)],
) {
    buf.push(b'{');
    header(buf, name, host, unix, counter);
    push_str(buf, ",\"columns\":");
    columns(buf, cols);
    push_str(buf, ",\"action\":\"added\"}\n");
}

fn snapshot_line(
    buf: &mut Vec<u8>,
    name: &str,
    host: &Host,
    unix: i64,
    rows: &[Vec<(&str, String)>],
) {
    push_str(buf, "{\"snapshot\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let cols: Vec<(&str, &str)> = row.iter().map(|(k, v)| (*k, v.as_str())).collect();
        columns(buf, &cols);
    }
    push_str(buf, "],\"action\":\"snapshot\",");
    header(buf, name, host, unix, 0);
    push_str(buf, "}\n");
}

fn usb_row(dev: &UsbDevice, port: u64, serial: String) -> Vec<(&'static str, String)> {
    vec![
        ("usb_address", format!("{}", port + 1)),
        ("usb_port", format!("{port}")),
        ("vendor", dev.vendor.to_string()),
        ("vendor_id", dev.vendor_id.to_string()),
        ("version", dev.version.to_string()),
        ("model", dev.model.to_string()),
        ("model_id", dev.model_id.to_string()),
        ("serial", serial),
        ("class", dev.class.to_string()),
        ("subclass", "0".to_string()),
        ("protocol", "0".to_string()),
        ("removable", "1".to_string()),
    ]
}

fn program_row(p: &Program, mac: bool) -> Vec<(&'static str, String)> {
    vec![
        ("name", p.name.to_string()),
        ("version", p.version.to_string()),
        ("publisher", p.publisher.to_string()),
        (
            "install_location",
            if mac { p.mac_path } else { p.win_path }.to_string(),
        ),
    ]
}

fn process_path(p: &Program, mac: bool) -> String {
    if mac {
        format!("{}/Contents/MacOS/{}", p.mac_path, p.process)
    } else {
        format!("{}\\{}.exe", p.win_path, p.process)
    }
}

fn write_host(
    out: &mut SplitOutput,
    buf: &mut Vec<u8>,
    world: &World,
    e: usize,
    seed: u64,
) -> Result<u64, SimError> {
    let emp = &world.employees[e];
    let mut rng = Rng::stream(seed, "osquery", e as u64);
    let r = &mut rng;
    let host = Host {
        emp,
        uuid: &emp.device_uuid,
    };
    let mut rows = 0u64;
    let mut t = WINDOW_START + r.range(3600, 3 * 86_400) as i64;

    // system_info
    let (vendor, model, cpu) = if emp.mac {
        (
            "Apple Inc.",
            *r.pick(&["MacBookPro18,3", "Mac15,6", "Mac14,9", "MacBookAir10,1"]),
            "Apple M2 Pro",
        )
    } else {
        (
            *r.pick(&["Dell Inc.", "LENOVO", "HP"]),
            *r.pick(&["Latitude 7440", "ThinkPad T14 Gen 4", "EliteBook 840 G10"]),
            "13th Gen Intel(R) Core(TM) i7-1365U",
        )
    };
    let memory = (16u64 << 30) * r.range(1, 3);
    let memory = memory.to_string();
    let sys = vec![
        ("computer_name", emp.hostname.clone()),
        ("cpu_brand", cpu.to_string()),
        ("cpu_logical_cores", "12".to_string()),
        ("cpu_physical_cores", "10".to_string()),
        ("hardware_model", model.to_string()),
        ("hardware_serial", emp.serial.clone()),
        ("hardware_vendor", vendor.to_string()),
        ("hostname", emp.hostname.clone()),
        ("local_hostname", emp.hostname.clone()),
        ("physical_memory", memory),
        ("uuid", emp.device_uuid.clone()),
    ];
    buf.clear();
    snapshot_line(buf, "system_info", &host, t, &[sys]);
    out.record(buf)?;
    rows += 1;

    // USB devices: a snapshot, and for a few hosts a device plugged in later.
    t += r.range(60, 900) as i64;
    let mut usb = Vec::new();
    let mut port = 0;
    for _ in 0..r.range(1, 4) {
        let dev = &COMMON_USB[r.index(COMMON_USB.len())];
        if dev.vendor_id == "05ac" && !emp.mac {
            continue;
        }
        let serial = if dev.serial.is_empty() {
            random_chars(r, b"0123456789ABCDEF", 12)
        } else {
            dev.serial.to_string()
        };
        usb.push(usb_row(dev, port, serial));
        port += 1;
    }
    let kvm_later = emp.kvm.is_some() && r.chance(0.5);
    if let Some(k) = emp.kvm.filter(|_| !kvm_later) {
        let dev = &IPKVM_USB[k];
        usb.push(usb_row(dev, port, dev.serial.to_string()));
        port += 1;
    }
    rows += usb.len() as u64;
    buf.clear();
    snapshot_line(buf, "pack_inventory_usb_devices", &host, t, &usb);
    out.record(buf)?;
    let counter = 1;
    if let Some(k) = emp.kvm.filter(|_| kvm_later) {
        let dev = &IPKVM_USB[k];
        let row = usb_row(dev, port, dev.serial.to_string());
        let cols: Vec<(&str, &str)> = row.iter().map(|(k, v)| (*k, v.as_str())).collect();
        buf.clear();
        event_line(
            buf,
            "pack_inventory_usb_devices",
            &host,
            t + r.range(3600, 5 * 86_400) as i64,
            counter,
            &cols,
        );
        out.record(buf)?;
        rows += 1;
    } else if r.chance(0.05) {
        let dev = &COMMON_USB[6];
        let serial = random_chars(r, b"0123456789ABCDEF", 16);
        let row = usb_row(dev, port, serial);
        let cols: Vec<(&str, &str)> = row.iter().map(|(k, v)| (*k, v.as_str())).collect();
        buf.clear();
        event_line(
            buf,
            "pack_inventory_usb_devices",
            &host,
            t + r.range(3600, 20 * 86_400) as i64,
            counter,
            &cols,
        );
        out.record(buf)?;
        rows += 1;
    }

    // Installed programs.
    t += r.range(60, 900) as i64;
    let mut installed: Vec<&Program> = COMMON_PROGRAMS.iter().filter(|_| r.chance(0.75)).collect();
    if let Some(i) = emp.remote_tool {
        installed.push(&REMOTE_TOOLS[i]);
        if emp.persona == Persona::ItRemote {
            // IT staff usually carry more than one support tool.
            installed.push(&REMOTE_TOOLS[(i + 1) % REMOTE_TOOLS.len()]);
        }
    }
    if let Some(i) = emp.jiggler {
        installed.push(&JIGGLERS[i]);
    }
    let programs: Vec<_> = installed.iter().map(|p| program_row(p, emp.mac)).collect();
    rows += programs.len() as u64;
    buf.clear();
    snapshot_line(buf, "pack_inventory_programs", &host, t, &programs);
    out.record(buf)?;

    // Processes started during the window.
    let mut running: Vec<&Program> = installed
        .iter()
        .copied()
        .filter(|_| r.chance(0.5))
        .collect();
    if let Some(i) = emp.remote_tool {
        running.push(&REMOTE_TOOLS[i]);
    }
    if let Some(i) = emp.jiggler {
        running.push(&JIGGLERS[i]);
    }
    for (counter, p) in (1u64..).zip(running) {
        let start = t + r.range(600, 20 * 86_400) as i64;
        let pid = r.range(400, 99_000).to_string();
        let path = process_path(p, emp.mac);
        let cmdline = if p.name == "AnyDesk" && !emp.mac {
            format!("\"{path}\" --service")
        } else {
            format!("\"{path}\"")
        };
        let start_s = start.to_string();
        buf.clear();
        event_line(
            buf,
            "pack_inventory_processes",
            &host,
            start + r.range(1, 300) as i64,
            counter,
            &[
                ("pid", &pid),
                ("name", p.process),
                ("path", &path),
                ("cmdline", &cmdline),
                ("start_time", &start_s),
            ],
        );
        out.record(buf)?;
        rows += 1;
    }
    Ok(rows)
}

/// Writes osquery results for every employee's laptop.
pub fn write_osquery(world: &World, seed: u64, root: &Path) -> Result<EndpointOutput, SimError> {
    let mut out = SplitOutput::new(root.join("endpoint"), "osquery", "log", ROWS_PER_FILE);
    let mut buf = Vec::with_capacity(8192);
    let mut rows = 0;
    for e in 0..world.employees.len() {
        rows += write_host(&mut out, &mut buf, world, e, seed)?;
    }
    let (files, _) = out.finish()?;
    Ok(EndpointOutput { files, rows })
}
