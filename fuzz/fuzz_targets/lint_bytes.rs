//! The whole pipeline on arbitrary bytes: decode, parse, classify, lower, every rule, and the
//! human rendering of what came out. Nothing may panic; every location must be in the file.
#![no_main]

use gatelint::lint::lint_bytes;
use gatelint::rules::Settings;
use gatelint_fuzz::check_report;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = lint_bytes("fuzz.yaml", data.to_vec(), &Settings::default());
    check_report(&report, !data.is_ascii());
});
