//! The JSON tree builder on arbitrary text: a tree or a located error, never a panic, and
//! every span inside the text.
#![no_main]

use gatelint::syntax::{self, Syntax};
use gatelint_fuzz::{check_tree, text_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(mut text) = text_of(data) else {
        return;
    };
    // Text that would go to the YAML parser is made to open an array, so it is read as JSON.
    if syntax::detect_syntax(&text) == Syntax::Yaml {
        text.insert(0, '[');
    }
    check_tree(text);
});
