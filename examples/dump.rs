#![allow(clippy::print_stdout, clippy::unwrap_used)]
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let r = gatelint::lint::lint_bytes(&path, bytes, &gatelint::rules::Settings::default());
    for f in &r.findings {
        let at = f.primary.loc.start();
        println!(
            "{}:{}:{} {} [{}] {}",
            path, at.line, at.column, f.severity, f.rule, f.message
        );
    }
    for e in &r.errors {
        let at = e.loc.start();
        println!("{}:{}:{} ERROR {}", path, at.line, at.column, e.message);
    }
}
