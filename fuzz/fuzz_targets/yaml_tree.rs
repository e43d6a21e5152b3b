//! The YAML tree builder on arbitrary text: it must return a tree or a located error, never
//! panic, and every span must fall inside the text. Walking the tree follows aliases, so the
//! alias budget is exercised too.
#![no_main]

use gatelint::syntax::{self, Syntax};
use gatelint_fuzz::{check_tree, text_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(mut text) = text_of(data) else {
        return;
    };
    // Text that looks like JSON goes to the JSON parser; a comment line keeps it YAML.
    if syntax::detect_syntax(&text) == Syntax::Json {
        text.insert_str(0, "#\n");
    }
    check_tree(text);
});
