//! The README's generated parts are current: the rules table comes from rules/*.md and the
//! registry, and every command-line flag is documented. `GATELINT_BLESS=1 cargo test --test
//! readme` rewrites the table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::CommandFactory;
use gatelint::rules::RULES;

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

fn rules_table() -> String {
    let mut table = String::from("| rule | default | what it finds |\n|---|---|---|\n");
    for rule in RULES {
        let meta = rule.meta();
        table.push_str(&format!(
            "| [`{id}`](rules/{id}.md) | {severity} | {summary} |\n",
            id = meta.id,
            severity = if meta.opt_in {
                format!("off ({} when on)", meta.severity)
            } else {
                meta.severity.to_string()
            },
            summary = meta.summary().replace('|', "\\|"),
        ));
    }
    table
}

#[test]
fn readme_rules_table_is_generated_from_the_rule_docs() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme.find(START).expect("rules:start marker") + START.len();
    let end = readme.find(END).expect("rules:end marker");
    let current = &readme[start..end];
    let wanted = format!("\n{}", rules_table());
    if current != wanted {
        if std::env::var_os("GATELINT_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..start], wanted, &readme[end..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "the README's rules table is stale; run `GATELINT_BLESS=1 cargo test --test integration readme`"
            );
        }
    }
}

#[test]
fn readme_documents_every_subcommand_and_flag() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let command = gatelint::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in command.get_subcommands() {
        if !readme.contains(&format!("gatelint {}", sub.get_name())) {
            missing.push(format!("subcommand {}", sub.get_name()));
        }
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long()
                && !readme.contains(&format!("`--{long}"))
            {
                missing.push(format!("{} --{long}", sub.get_name()));
            }
            // A value is named as `value`, `--flag value` or `gatelint sub value`.
            for value in arg.get_possible_values() {
                let name = value.get_name();
                let written = [
                    format!("`{name}`"),
                    format!("--{} {name}", arg.get_long().unwrap_or_default()),
                    format!("gatelint {} {name}", sub.get_name()),
                ];
                if !written.iter().any(|w| readme.contains(w.as_str())) {
                    missing.push(format!(
                        "{} {:?} value {}",
                        sub.get_name(),
                        arg.get_id(),
                        value.get_name()
                    ));
                }
            }
        }
    }
    // Every output format of `check` has its entry under "Output formats".
    let formats = readme
        .split_once("## Output formats")
        .and_then(|(_, rest)| rest.split_once("\n## "))
        .map(|(section, _)| section)
        .unwrap_or_default();
    let check = command.find_subcommand("check").unwrap();
    let format = check
        .get_arguments()
        .find(|arg| arg.get_long() == Some("format"))
        .unwrap();
    for value in format.get_possible_values() {
        if !formats.contains(&format!("- `{}`:", value.get_name())) {
            missing.push(format!("Output formats: {}", value.get_name()));
        }
    }
    assert!(missing.is_empty(), "not in the README: {missing:?}");
}
