//! `userhash batch` through the built binary: output checked row by row against the library,
//! order across chunks and threads, broken rows reported and kept, exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/common.rs"]
mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Stdio;

use common::{SECRET, run, signer, stderr, stdout, userhash};
use predicates::prelude::*;
use userhash::Identity;

/// `batch` with the test secret and small chunks, so a few thousand rows cross many chunks and
/// every worker thread.
fn batch(scheme: &str) -> assert_cmd::Command {
    let mut command = userhash();
    command.args([
        "batch",
        "--scheme",
        scheme,
        "--secret-env",
        "UH_SECRET",
        "--chunk-rows",
        "97",
    ]);
    command
}

/// A CSV of `rows` users with ids `u0..`, an email on every third row, and a quoted column.
fn users_csv(rows: usize) -> String {
    let mut csv = String::from("id,name,email\n");
    for i in 0..rows {
        let email = if i % 3 == 0 {
            format!("user{i}@example.com")
        } else {
            String::new()
        };
        csv.push_str(&format!("u{i},\"Name, {i}\",{email}\n"));
    }
    csv
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["id", "name", "email", "user_hash", "error"]
    );
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn csv_output_matches_the_library_row_by_row_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("users.csv");
    let output = dir.path().join("hashes.csv");
    let rows = 3_000;
    std::fs::write(&input, users_csv(rows)).unwrap();

    let assert = run(batch("helpshift")
        .args([
            "--user-id-column",
            "id",
            "--threads",
            "3",
            "--json",
            "--input",
        ])
        .arg(&input)
        .arg("--output")
        .arg(&output))
    .success();
    // The summary goes to stdout when the hashes go to a file.
    let summary: serde_json::Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(summary["rows"], rows);
    assert_eq!(summary["signed"], rows);
    assert_eq!(summary["failed"], 0);
    assert_eq!(stderr(&assert), "");

    let reference = signer("helpshift", SECRET);
    let records = read_csv(&output);
    assert_eq!(records.len(), rows);
    for (i, record) in records.iter().enumerate() {
        assert_eq!(&record[0], format!("u{i}"), "row {i} out of order");
        assert_eq!(&record[1], format!("Name, {i}"));
        let email = (!record[2].is_empty()).then(|| record[2].to_owned());
        let expected = reference
            .sign(&Identity::new(Some(format!("u{i}")), email))
            .unwrap();
        assert_eq!(&record[3], expected, "row {i}");
        assert_eq!(&record[4], "");
    }

    // One thread, default chunks: byte-for-byte the same output.
    let single = dir.path().join("single.csv");
    run(userhash()
        .args([
            "batch",
            "--scheme",
            "helpshift",
            "--secret-env",
            "UH_SECRET",
        ])
        .args(["--user-id-column", "id", "--threads", "1", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&single))
    .success();
    assert_eq!(
        std::fs::read(&output).unwrap(),
        std::fs::read(&single).unwrap()
    );
}

#[test]
fn broken_rows_are_reported_kept_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("users.csv");
    let output = dir.path().join("hashes.csv");
    let mut bytes = b"id,name,email\n".to_vec();
    bytes.extend_from_slice(b"u1,Ada,ada@example.com\n"); // line 2: ok
    bytes.extend_from_slice(b"u2,Bob\n"); // line 3: a column missing
    bytes.extend_from_slice(b",Nobody,\n"); // line 4: neither id nor email
    bytes.extend_from_slice(b"u4,Dee,d@example.com,extra\n"); // line 5: a field too many
    bytes.extend_from_slice(b"\"u5\nmultiline\",Eve,\n"); // lines 6-7: ok, quoted newline
    bytes.extend_from_slice(b"u\xff6,Bad,\n"); // line 8: not UTF-8
    bytes.extend_from_slice(b",Fay,fay@example.com\n"); // line 9: email only, ok for intercom
    std::fs::write(&input, &bytes).unwrap();

    let assert = run(batch("intercom")
        .args(["--user-id-column", "id", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output))
    .code(1);
    let err = stderr(&assert);
    let reports: Vec<&str> = err
        .lines()
        .filter(|line| line.starts_with("line "))
        .collect();
    assert_eq!(reports.len(), 4, "{err}");
    assert!(
        reports[0].starts_with("line 3: the row has 2 fields"),
        "{err}"
    );
    assert!(
        reports[1].starts_with("line 4: the identity has neither"),
        "{err}"
    );
    assert!(
        reports[2].starts_with("line 5: the row has 4 fields"),
        "{err}"
    );
    assert!(
        reports[3].starts_with("line 8: the user id column is not valid UTF-8"),
        "{err}"
    );
    let summary = stdout(&assert);
    assert!(summary.contains("7 rows, 3 signed; 4 failed"), "{summary}");

    // Every row is in the output, in order, with its hash or its reason.
    let mut reader = csv::Reader::from_path(&output).unwrap();
    let records: Vec<csv::ByteRecord> = reader.byte_records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 7);
    let intercom = signer("intercom", SECRET);
    let hash = |identity: Identity| intercom.sign(&identity).unwrap().into_bytes();
    assert_eq!(
        &records[0][3],
        hash(Identity::from_user_id("u1")).as_slice()
    );
    assert_eq!(&records[1][0], b"u2");
    assert_eq!(&records[1][3], b"");
    assert!(records[1][4].starts_with(b"the row has 2 fields"));
    assert!(records[2][4].starts_with(b"the identity has neither"));
    assert_eq!(&records[3][0], b"u4");
    assert_eq!(
        &records[4][3],
        hash(Identity::from_user_id("u5\nmultiline")).as_slice()
    );
    assert_eq!(&records[5][0], b"u\xff6");
    assert_eq!(
        &records[6][3],
        hash(Identity::from_email("fay@example.com")).as_slice()
    );
    for record in &records {
        assert_eq!(record.len(), 5);
    }
}

#[test]
fn failures_as_json_lines_on_stderr() {
    let assert = run(batch("jimo")
        .args(["--at", "1700000000", "--json", "--input", "-"])
        .write_stdin("user_id,email\nu1,\n,a@example.com\n"))
    .code(1);
    let err = stderr(&assert);
    let mut lines = err.lines();
    let failure: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(failure["line"], 3);
    assert_eq!(failure["code"], "missing_field");
    // The summary follows on stderr, since the hashes went to stdout.
    let summary: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(summary["failed"], 1);

    let out = stdout(&assert);
    let rows: Vec<&str> = out.lines().collect();
    let expected = signer("jimo", SECRET)
        .sign_at(&Identity::from_user_id("u1"), 1_700_000_000)
        .unwrap();
    assert_eq!(rows[0], "user_id,email,user_hash,error");
    assert_eq!(rows[1], format!("u1,,{expected},"));
}

#[test]
fn timestamped_batches_carry_one_timestamp() {
    let assert = run(batch("chameleon")
        .args(["--input", "-", "--threads", "4"])
        .write_stdin(users_csv(500).replace("id,name", "user_id,name")))
    .success();
    let out = stdout(&assert);
    let stamps: std::collections::HashSet<&str> = out
        .lines()
        .skip(1)
        .map(|line| {
            let token = line.rsplit(',').nth(1).unwrap();
            token.rsplit_once('-').unwrap().1
        })
        .collect();
    assert_eq!(stamps.len(), 1, "{stamps:?}");
}

#[test]
fn jsonl_in_and_out_row_by_row() {
    let mut input = String::new();
    for i in 0..1_000u32 {
        match i % 250 {
            7 => input.push_str("{\"uid\": null, \"mail\": null}\n"),
            8 => input.push_str("not json\n"),
            9 => input.push('\n'),
            _ => input.push_str(&format!(
                "{{\"uid\": {i}, \"note\": \"n{i}\", \"mail\": \"m{i}@example.com\"}}\n"
            )),
        }
    }
    let assert = run(batch("intercom")
        .args([
            "--format",
            "jsonl",
            "--user-id-column",
            "uid",
            "--email-column",
            "mail",
        ])
        .args(["--hash-column", "hash", "--input", "-", "--threads", "2"])
        .write_stdin(input.clone()))
    .code(1);
    let intercom = signer("intercom", SECRET);
    let out = stdout(&assert);
    let inputs: Vec<(usize, &str)> = input
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let outputs: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        outputs.len(),
        inputs.len(),
        "blank lines are not rows; no row is lost"
    );
    let mut failures = 0;
    for ((index, line), output) in inputs.iter().zip(&outputs) {
        let number = index + 1;
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(row) if !row["uid"].is_null() => {
                let id = row["uid"].to_string();
                let expected = intercom.sign(&Identity::from_user_id(id)).unwrap();
                assert_eq!(output["hash"], expected.as_str(), "line {number}");
                assert_eq!(output["note"], row["note"]);
                // Input fields keep their order; the hash comes last.
                let keys: Vec<&String> = output.as_object().unwrap().keys().collect();
                assert_eq!(keys, ["uid", "note", "mail", "hash"]);
            }
            _ => {
                failures += 1;
                assert_eq!(output["line"], number, "{output}");
                assert!(output["error"]["code"].is_string(), "{output}");
                assert!(output.get("input").is_some(), "{output}");
            }
        }
    }
    assert_eq!(failures, 8);
    let err = stderr(&assert);
    assert!(err.contains("line 9: not valid JSON"), "{err}");
    assert!(err.contains("line 8: the identity has neither"), "{err}");
}

#[test]
fn bad_inputs_stop_the_run() {
    // An explicitly named column that is not there.
    run(batch("intercom")
        .args(["--user-id-column", "uid", "--input", "-"])
        .write_stdin("id,email\n1,a@example.com\n"))
    .code(2)
    .stderr(
        predicate::str::contains("--user-id-column \"uid\"")
            .and(predicate::str::contains("id, email")),
    );
    // ... and no output file is created for a run that cannot start.
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("hashes.csv");
    run(batch("intercom")
        .args(["--user-id-column", "uid", "--input", "-", "--output"])
        .arg(&output)
        .write_stdin("id,email\n1,a@example.com\n"))
    .code(2);
    assert!(!output.exists());
    // No column the scheme can sign.
    run(batch("plain")
        .args(["--input", "-"])
        .write_stdin("user_id\n1\n"))
    .code(2)
    .stderr(predicate::str::contains("email column"));
    // No header row at all.
    run(batch("intercom").args(["--input", "-"]).write_stdin(""))
        .code(2)
        .stderr(predicate::str::contains("header"));
    // The output column is taken.
    run(batch("intercom")
        .args(["--input", "-"])
        .write_stdin("user_id,user_hash\n1,x\n"))
    .code(2)
    .stderr(predicate::str::contains("--hash-column"));
    // A missing input file.
    run(batch("intercom").args(["--input", "/nonexistent/users.csv"]))
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/users.csv"));
    // stdin cannot carry both the secret and the rows.
    run(userhash().args([
        "batch",
        "--scheme",
        "intercom",
        "--secret-stdin",
        "--input",
        "-",
    ]))
    .code(2)
    .stderr(predicate::str::contains("--secret-stdin"));
    // --at on a scheme without timestamps.
    run(batch("intercom")
        .args(["--at", "5", "--input", "-"])
        .write_stdin("user_id\n1\n"))
    .code(2);
}

#[test]
fn a_header_only_file_signs_nothing_and_succeeds() {
    run(batch("intercom")
        .args(["--input", "-"])
        .write_stdin("user_id,email\n"))
    .success()
    .stdout("user_id,email,user_hash,error\n");
}

#[test]
fn the_output_never_overwrites_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("users.csv");
    std::fs::write(&input, "user_id\n1\n").unwrap();
    run(batch("intercom")
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(dir.path().join(".").join("users.csv")))
    .code(2);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "user_id\n1\n");
}

#[test]
fn a_closed_pipe_is_success() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_userhash"))
        .args(["batch", "--scheme", "intercom", "--secret-env", "UH_SECRET"])
        .args(["--user-id-column", "id", "--input", "-"])
        .env("UH_SECRET", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write as _;
        // Far more than a pipe buffer; the reader stops after one line.
        let _ = stdin.write_all(users_csv(50_000).as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "id,name,email,user_hash,error\n");
    // `| head -1`: the reader goes away.
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert!(!err.contains("error") && !err.contains(SECRET), "{err}");
}
