//! `unmask formats | head -0`: a reader that closes the pipe early is not an error;
//! unmask stops quietly instead of panicking on the next write.

use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("formats")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
