//! The real lsusb captures of IP-KVM devices, given as osquery `usb_devices` rows,
//! are recognised as IP-KVMs; ordinary USB devices are not.

use unmask_workforce::detectors::classify_usb;

/// Reads the device descriptor of an `lsusb -v` capture into the columns osquery's
/// `usb_devices` table reports for it.
fn osquery_columns(lsusb: &str) -> Vec<(String, String)> {
    let mut columns = Vec::new();
    for line in lsusb.lines() {
        let mut words = line.split_whitespace();
        let (Some(key), Some(second)) = (words.next(), words.next()) else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        match key {
            "idVendor" => {
                columns.push(("vendor_id".into(), second.trim_start_matches("0x").into()))
            }
            "idProduct" => {
                columns.push(("model_id".into(), second.trim_start_matches("0x").into()))
            }
            "iManufacturer" => columns.push(("vendor".into(), rest.join(" "))),
            "iProduct" => columns.push(("model".into(), rest.join(" "))),
            "iSerial" => columns.push(("serial".into(), rest.join(" "))),
            _ => {}
        }
    }
    columns
}

#[test]
fn jetkvm_capture_is_an_ip_kvm() {
    let columns = osquery_columns(include_str!("../testdata/ipkvm-watch/jetkvm_lsusb.txt"));
    assert!(
        columns.contains(&("vendor".to_string(), "JetKVM".to_string())),
        "{columns:?}"
    );
    assert_eq!(classify_usb(&columns), Some(("JetKVM", true)));
}

#[test]
fn gl_inet_comet_capture_is_an_ip_kvm() {
    let columns = osquery_columns(include_str!("../testdata/ipkvm-watch/comet_lsusb.txt"));
    assert_eq!(classify_usb(&columns), Some(("GL.iNet Comet", true)));
}

#[test]
fn a_spoofed_name_is_still_caught_by_the_composite_gadget_rule() {
    let columns = vec![
        ("vendor_id".to_string(), "1d6b".to_string()),
        ("model_id".to_string(), "0104".to_string()),
        ("vendor".to_string(), "Logitech".to_string()),
        ("model".to_string(), "Keyboard".to_string()),
    ];
    let (product, exact) = classify_usb(&columns).unwrap();
    assert!(!exact);
    assert!(product.contains("1d6b:0104"), "{product}");
}

#[test]
fn ordinary_devices_are_not_kvms() {
    let webcam = vec![
        ("vendor_id".to_string(), "046d".to_string()),
        ("model_id".to_string(), "082d".to_string()),
        ("vendor".to_string(), "Logitech".to_string()),
        ("model".to_string(), "HD Pro Webcam C920".to_string()),
    ];
    assert_eq!(classify_usb(&webcam), None);
    // A Linux root hub is Linux Foundation too, but not the composite gadget.
    let hub = vec![
        ("vendor_id".to_string(), "1d6b".to_string()),
        ("model_id".to_string(), "0002".to_string()),
    ];
    assert_eq!(classify_usb(&hub), None);
}
