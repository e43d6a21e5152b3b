//! SAM lowering against the SAM translator. `../shared/corpus/sam-translator` holds SAM templates
//! (`input/NAME.yaml`) with the CloudFormation the translator makes of each
//! (`output/NAME.json`). For every pair, the input is lowered as SAM and the output as
//! CloudFormation, and the two must agree on every route — (API, method, path) with whether it
//! authenticates, by which mechanism, and whether it asks for an API key — and on every stage's
//! throttling and access logging. An input the translator rejects must give an input error or a
//! finding.
//!
//! Disagreements that are not fixed are listed, each with its reason, in
//! `tests/sam_differential_allowlist.txt` (`pair | key | reason`). The list may only shrink: the
//! test fails on a disagreement it does not list, and on a listed one that now agrees.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use gatelint::diagnostic::InputError;
use gatelint::formats::{self, DocumentKind};
use gatelint::model::{Api, Auth, AuthorizerKind, Resolved, Route, Stage, Workspace};
use gatelint::rules::{self, Settings};
use gatelint::syntax::{self, SourceFile};

/// The pairs: `../shared/corpus/sam-translator`, or the folder `GATELINT_SAM_PAIRS` names (laid
/// out the same way) to try pairs the corpus does not hold. The allowlist belongs to the corpus:
/// with other pairs, only the disagreements are reported.
fn corpus() -> Option<(PathBuf, bool)> {
    match std::env::var_os("GATELINT_SAM_PAIRS") {
        Some(dir) => Some((PathBuf::from(dir), false)),
        None => Some((crate::common::shared("corpus/sam-translator")?, true)),
    }
}

/// Lower `path` as `kind`.
fn lower(path: &Path, kind: DocumentKind) -> (Workspace, Vec<InputError>) {
    let text = fs::read_to_string(path).unwrap();
    let display = path.file_name().unwrap().to_string_lossy().into_owned();
    let file = SourceFile::new(display, text);
    let mut workspace = Workspace::default();
    let mut errors = Vec::new();
    for doc in syntax::parse(&file).unwrap() {
        formats::lower(&doc, kind, &mut workspace, &mut errors);
    }
    (workspace, errors)
}

/// What one route is, as compared: "open|authenticated mechanism key=…". A route that depends
/// on conditions is every outcome it can have (which condition leads to which is not compared:
/// the translator names combined conditions of its own).
fn route_facts(api: &Api, route: &Route) -> String {
    let auth = outcomes(&route.auth, |auth| describe_auth(api, auth));
    let key = outcomes(&route.api_key_required, ToString::to_string);
    format!("{auth} key={key}")
}

/// The distinct values a setting can take, sorted and joined; "unknown" for an unknown one.
fn outcomes<T>(value: &Resolved<T>, describe: impl Fn(&T) -> String) -> String {
    let mut leaves: BTreeSet<String> = value
        .branches()
        .into_iter()
        .map(|(_, v)| describe(v))
        .collect();
    if value.is_unknown() || leaves.is_empty() {
        leaves.insert("unknown".to_owned());
    }
    leaves.into_iter().collect::<Vec<_>>().join(" or ")
}

fn describe_auth(api: &Api, auth: &Auth) -> String {
    match auth {
        Auth::Open(_) => "open".to_owned(),
        Auth::ApiKeyOnly => "open api-key".to_owned(),
        Auth::Iam => "authenticated iam".to_owned(),
        Auth::Authorizers(uses) => {
            let kinds: BTreeSet<String> = uses
                .iter()
                .map(|u| match api.authorizer(&u.name).map(|a| &a.kind) {
                    Some(AuthorizerKind::Iam) => "iam".to_owned(),
                    Some(AuthorizerKind::LambdaToken) => "lambda-token".to_owned(),
                    Some(AuthorizerKind::LambdaRequest) => "lambda-request".to_owned(),
                    Some(AuthorizerKind::Cognito) => "cognito".to_owned(),
                    Some(AuthorizerKind::Jwt) => "jwt".to_owned(),
                    Some(other) => format!("other:{}", other.describe()),
                    None => format!("undefined:{}", u.name),
                })
                .collect();
            if kinds.is_empty() {
                "authenticated elsewhere".to_owned()
            } else {
                format!(
                    "authenticated {}",
                    kinds.into_iter().collect::<Vec<_>>().join("|")
                )
            }
        }
    }
}

fn stage_facts(stage: &Stage) -> String {
    let plan = stage
        .usage_plans
        .iter()
        .any(|p| p.throttle.all_known(|t| *t));
    let throttle = if plan {
        "true".to_owned()
    } else {
        outcomes(&stage.throttle, ToString::to_string)
    };
    let log = outcomes(&stage.access_log, ToString::to_string);
    format!("throttle={throttle} access-log={log}")
}

/// Every compared key of a workspace with its facts: `API METHOD PATH` for routes,
/// `stage API NAME` for stages.
fn facts(workspace: &Workspace) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut routes = BTreeMap::new();
    let mut stages = BTreeMap::new();
    for api in &workspace.apis {
        for route in &api.routes {
            routes.insert(
                format!("{} {} {}", api.name, route.method, route.path),
                route_facts(api, route),
            );
        }
        for stage in &api.stages {
            stages.insert(
                format!("stage {} {}", api.name, stage.name),
                stage_facts(stage),
            );
        }
    }
    (routes, stages)
}

/// `(pair, key)` → reason.
fn allowlist() -> BTreeMap<(String, String), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sam_differential_allowlist.txt");
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut list = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, " | ").collect();
        let [pair, key, reason] = parts.as_slice() else {
            panic!(
                "allowlist line {}: expected `pair | key | reason`",
                number + 1
            );
        };
        assert!(
            !reason.trim().is_empty(),
            "allowlist line {}: a reason is required",
            number + 1
        );
        list.insert(
            (pair.trim().to_owned(), key.trim().to_owned()),
            reason.trim().to_owned(),
        );
    }
    list
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agreeing: usize,
}

impl Tally {
    fn count(&mut self, agrees: bool) {
        self.compared += 1;
        self.agreeing += usize::from(agrees);
    }

    fn show(&self) -> String {
        let percent = if self.compared == 0 {
            100.0
        } else {
            100.0 * self.agreeing as f64 / self.compared as f64
        };
        format!("{}/{} ({percent:.1}%)", self.agreeing, self.compared)
    }
}

#[test]
fn sam_lowering_agrees_with_the_translator() {
    let Some((root, is_corpus)) = corpus() else {
        return;
    };
    let manifest = fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let allowed = if is_corpus {
        allowlist()
    } else {
        BTreeMap::new()
    };
    let mut disagreements: BTreeMap<(String, String), String> = BTreeMap::new();
    let (mut routes, mut authenticated, mut mechanism, mut api_key, mut stages) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let (mut rejected, mut rejected_by_error) = (Tally::default(), 0);
    let mut pairs = 0;
    for row in manifest.lines().skip(1) {
        let columns: Vec<&str> = row.split('\t').collect();
        let (Some(name), Some(error)) = (columns.first(), columns.get(2)) else {
            continue;
        };
        pairs += 1;
        let (sam, mut sam_errors) =
            lower(&root.join(format!("input/{name}.yaml")), DocumentKind::Sam);
        // The translator's inputs leave out the Transform line its test harness adds.
        sam_errors.retain(|e| !super::common::undeclared_sam_transform(&e.message));
        if *error == "true" {
            let findings = rules::check_all(&sam, &Settings::default());
            let noticed = !sam_errors.is_empty() || !findings.is_empty();
            rejected.count(noticed);
            rejected_by_error += usize::from(!sam_errors.is_empty());
            if !noticed {
                disagreements.insert(
                    (name.to_string(), "error".to_owned()),
                    "the translator rejects the input; gatelint says nothing".to_owned(),
                );
            }
            continue;
        }
        for error in &sam_errors {
            let at = error.loc.start();
            disagreements.insert(
                (
                    name.to_string(),
                    format!("input-error {}:{}", at.line, at.column),
                ),
                format!("unexpected input error: {}", error.message),
            );
        }
        let (cfn, _) = lower(
            &root.join(format!("output/{name}.json")),
            DocumentKind::CloudFormation,
        );
        let (sam_routes, sam_stages) = facts(&sam);
        let (cfn_routes, cfn_stages) = facts(&cfn);
        let keys: BTreeSet<&String> = sam_routes.keys().chain(cfn_routes.keys()).collect();
        for key in keys {
            let (ours, theirs) = (sam_routes.get(key), cfn_routes.get(key));
            routes.count(ours == theirs);
            if let (Some(ours), Some(theirs)) = (ours, theirs) {
                let word = |facts: &str, n: usize| facts.split(' ').nth(n).map(str::to_owned);
                authenticated.count(word(ours, 0) == word(theirs, 0));
                mechanism.count(word(ours, 1) == word(theirs, 1));
                api_key.count(ours.rsplit(' ').next() == theirs.rsplit(' ').next());
            }
            if ours != theirs {
                disagreements.insert(
                    (name.to_string(), key.clone()),
                    format!("SAM: {ours:?}; translator: {theirs:?}"),
                );
            }
        }
        let keys: BTreeSet<&String> = sam_stages.keys().chain(cfn_stages.keys()).collect();
        for key in keys {
            let (ours, theirs) = (sam_stages.get(key), cfn_stages.get(key));
            stages.count(ours == theirs);
            if ours != theirs {
                disagreements.insert(
                    (name.to_string(), key.clone()),
                    format!("SAM: {ours:?}; translator: {theirs:?}"),
                );
            }
        }
    }
    println!("SAM differential over {pairs} pairs");
    println!("  routes agreeing:        {}", routes.show());
    println!("    authenticated:        {}", authenticated.show());
    println!("    mechanism:            {}", mechanism.show());
    println!("    API key required:     {}", api_key.show());
    println!("  stages agreeing:        {}", stages.show());
    println!(
        "  rejected inputs noticed: {} ({rejected_by_error} by an input error)",
        rejected.show()
    );
    let mut problems = Vec::new();
    for ((pair, key), detail) in &disagreements {
        if !allowed.contains_key(&(pair.clone(), key.clone())) {
            problems.push(format!("{pair} | {key} | {detail}"));
        }
    }
    for (pair, key) in allowed.keys() {
        if !disagreements.contains_key(&(pair.clone(), key.clone())) {
            problems.push(format!(
                "{pair} | {key} | allowlisted but agrees now: remove it from the allowlist"
            ));
        }
    }
    println!("  allowlisted disagreements: {}", allowed.len());
    assert!(
        problems.is_empty(),
        "{} disagreement(s) not in tests/sam_differential_allowlist.txt:\n{}\n",
        problems.len(),
        problems.join("\n")
    );
}
