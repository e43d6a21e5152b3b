//! `gatelint routes --diff REV`: the route inventory of the working tree compared with that of
//! a git revision, so that a reviewer sees what a change makes callable.
//!
//! APIs are matched by identity: the file that declares them, their name (logical id, Terraform
//! address, OpenAPI title) and kind; routes within an API by method and path. An API that is
//! gone under one identity and appears under another with the very same routes (method and
//! path) was renamed (or moved to another file): it is compared as one API and listed as a
//! rename. Each difference is classed, most important first:
//!
//! - **opened**: callable without credentials, or with an API key only, where it was not (on
//!   some `Fn::If` branch: the weakest branch counts; what is unknown does not count as open);
//! - **tightened**: the other way round;
//! - **changed**: another authorizer or scopes, the API key requirement, throttling;
//! - **added** and **removed** routes, with their authentication;
//! - **coverage**: an API whose routes gatelint now cannot see, or now can.

use std::collections::BTreeMap;
use std::io;

use annotate_snippets::renderer::{AnsiColor, Style};
use serde::Serialize;

use super::{Location, RouteRow, function_url_row, markdown_cell, one_line, route_row};
use crate::model::{Api, Auth, Resolved, Route, Workspace};
use crate::report::github::{escape_data, escape_property};
use crate::rules::Settings;

/// The schema version of the JSON diff (docs/gatelint-routes-diff.schema.json).
pub const VERSION: u32 = 1;

/// The suffix [`route_row`] adds to the authentication of a route `public-routes` accepts.
const ACCEPTED_SUFFIX: &str = " (listed in public-routes)";

/// How strongly a route asks callers to prove who they are; weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Open,
    ApiKeyOnly,
    Credentials,
}

/// The weakest known branch; `None` when no branch is known.
fn strength(auth: &Resolved<Auth>) -> Option<Strength> {
    auth.branches()
        .into_iter()
        .map(|(_, auth)| match auth {
            Auth::Open(_) => Strength::Open,
            Auth::ApiKeyOnly => Strength::ApiKeyOnly,
            Auth::Iam | Auth::Authorizers(_) => Strength::Credentials,
        })
        .min()
}

/// One API of an inventory, as the diff compares it.
#[derive(Clone, Debug)]
pub struct ApiRoutes {
    file: String,
    name: String,
    kind: String,
    location: Location,
    /// Why gatelint cannot see its routes, and where that is decided.
    hidden: Option<(Location, String)>,
    routes: Vec<RouteState>,
}

#[derive(Clone, Debug)]
struct RouteState {
    row: RouteRow,
    /// The authentication as described, without the `public-routes` remark.
    auth: String,
    strength: Option<Strength>,
    /// A `public-routes` entry matches it.
    accepted: bool,
}

impl ApiRoutes {
    fn same_identity(&self, other: &ApiRoutes) -> bool {
        (&self.file, &self.name, &self.kind) == (&other.file, &other.name, &other.kind)
    }

    /// The routes' methods and paths, sorted: what a rename keeps.
    fn shape(&self) -> Vec<(&str, &str)> {
        let mut shape: Vec<_> = self
            .routes
            .iter()
            .map(|r| (r.row.method.as_str(), r.row.path.as_str()))
            .collect();
        shape.sort_unstable();
        shape
    }
}

/// The APIs of one analysed file (and its function URLs, one pseudo-API each).
pub fn apis(workspace: &Workspace, settings: &Settings) -> Vec<ApiRoutes> {
    let mut apis: Vec<ApiRoutes> = workspace
        .apis
        .iter()
        .map(|api| api_routes(api, settings))
        .collect();
    apis.extend(workspace.function_urls.iter().map(|url| {
        let row = function_url_row(url);
        ApiRoutes {
            file: url.origin.file.path().to_owned(),
            name: url.name.clone(),
            kind: row.kind.clone(),
            location: row.location.clone(),
            hidden: None,
            routes: vec![RouteState {
                auth: row.auth.clone(),
                strength: strength(&url.auth),
                accepted: false,
                row,
            }],
        }
    }));
    apis
}

fn api_routes(api: &Api, settings: &Settings) -> ApiRoutes {
    let throttling = super::throttling(&api.stages);
    ApiRoutes {
        file: api.origin.file.path().to_owned(),
        name: api.name.clone(),
        kind: api.kind.to_string(),
        location: Location::new(&api.origin),
        // An API defined outside the file (no reason) has its routes seen where it is defined.
        hidden: api.hidden_routes.as_ref().and_then(|hidden| {
            let reason = hidden.reason.as_ref()?;
            Some((Location::new(&hidden.at), reason.clone()))
        }),
        routes: api
            .routes
            .iter()
            .map(|route| route_state(api, route, &throttling, settings))
            .collect(),
    }
}

fn route_state(api: &Api, route: &Route, throttling: &str, settings: &Settings) -> RouteState {
    let row = route_row(api, route, throttling, settings);
    let auth = row
        .auth
        .strip_suffix(ACCEPTED_SUFFIX)
        .unwrap_or(&row.auth)
        .to_owned();
    // No backend runs for a CORS preflight; a WebSocket message was authenticated at `$connect`.
    let strength = if route.cors_preflight || route.inherits_connection_auth {
        Some(Strength::Credentials)
    } else {
        strength(&route.auth)
    };
    RouteState {
        accepted: settings.public_routes.iter().any(|p| p.matches(api, route)),
        auth,
        strength,
        row,
    }
}

/// The classes of change, in the order they are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Opened,
    Tightened,
    Changed,
    Added,
    Removed,
    Coverage,
}

impl Class {
    pub const ALL: [Class; 6] = [
        Class::Opened,
        Class::Tightened,
        Class::Changed,
        Class::Added,
        Class::Removed,
        Class::Coverage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Opened => "opened",
            Class::Tightened => "tightened",
            Class::Changed => "changed",
            Class::Added => "added",
            Class::Removed => "removed",
            Class::Coverage => "coverage",
        }
    }
}

/// A route (or, for coverage, an API) as one side has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RouteSide {
    pub auth: String,
    /// Callable without credentials on some branch.
    pub public: bool,
    pub api_key: String,
    pub throttling: String,
    pub location: Location,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub class: Class,
    pub api: String,
    /// The API's name in the revision, when it was renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_api: Option<String>,
    pub kind: String,
    pub method: String,
    /// The route's path or route key; empty for a coverage change (which is about an API).
    pub path: String,
    /// What differs: `auth`, `api-key`, `throttling`, `visibility`; `route` when added or removed.
    pub aspects: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<RouteSide>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<RouteSide>,
    /// For a coverage change: what gatelint can no longer see, or now sees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The route is callable without credentials and a `public-routes` entry accepts it.
    pub accepted_public: bool,
    /// In the working tree; in the revision for what was removed.
    pub location: Location,
}

/// An API whose identity changed while its routes stayed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rename {
    pub kind: String,
    pub from: ApiName,
    pub to: ApiName,
    pub routes: usize,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiName {
    pub api: String,
    pub file: String,
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub version: u32,
    /// The revision as given (`origin/main`).
    pub base: String,
    /// The commit it names.
    pub commit: String,
    pub summary: BTreeMap<Class, usize>,
    pub changes: Vec<Change>,
    pub renames: Vec<Rename>,
}

impl Diff {
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// Opened routes that no `public-routes` entry accepts (`--fail-on-opened`).
    pub fn unaccepted_opened(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.class == Class::Opened && !c.accepted_public)
            .count()
    }
}

/// Compare the revision's APIs (`before`) with the working tree's (`after`).
pub fn compare(base: &str, commit: &str, before: &[ApiRoutes], after: &[ApiRoutes]) -> Diff {
    let mut changes = Vec::new();
    let mut renames = Vec::new();
    let mut unmatched_before: Vec<Option<&ApiRoutes>> = before.iter().map(Some).collect();
    let mut unmatched_after = Vec::new();
    for new in after {
        let found = unmatched_before
            .iter_mut()
            .find(|old| old.is_some_and(|old| old.same_identity(new)))
            .and_then(Option::take);
        match found {
            Some(old) => compare_api(old, new, None, &mut changes),
            None => unmatched_after.push(new),
        }
    }
    for new in unmatched_after {
        let shape = new.shape();
        let renamed = unmatched_before
            .iter_mut()
            .find(|old| {
                old.is_some_and(|old| {
                    old.kind == new.kind && !old.routes.is_empty() && old.shape() == shape
                })
            })
            .and_then(Option::take);
        match renamed {
            Some(old) => {
                renames.push(Rename {
                    kind: new.kind.clone(),
                    from: ApiName {
                        api: old.name.clone(),
                        file: old.file.clone(),
                    },
                    to: ApiName {
                        api: new.name.clone(),
                        file: new.file.clone(),
                    },
                    routes: new.routes.len(),
                    location: new.location.clone(),
                });
                compare_api(old, new, Some(&old.name), &mut changes);
            }
            None => {
                coverage(None, Some(new), &mut changes);
                for route in &new.routes {
                    changes.push(added(new, route));
                }
            }
        }
    }
    for old in unmatched_before.into_iter().flatten() {
        coverage(Some(old), None, &mut changes);
        for route in &old.routes {
            changes.push(removed(old, route));
        }
    }
    changes.sort_by(|a, b| {
        (a.class, &a.location, &a.api, &a.path, &a.method).cmp(&(
            b.class,
            &b.location,
            &b.api,
            &b.path,
            &b.method,
        ))
    });
    renames.sort_by(|a, b| (&a.location, &a.to.api).cmp(&(&b.location, &b.to.api)));
    let summary = Class::ALL
        .iter()
        .map(|&class| (class, changes.iter().filter(|c| c.class == class).count()))
        .collect();
    Diff {
        version: VERSION,
        base: base.to_owned(),
        commit: commit.to_owned(),
        summary,
        changes,
        renames,
    }
}

fn side(route: &RouteState) -> RouteSide {
    RouteSide {
        auth: route.auth.clone(),
        public: route.row.public,
        api_key: route.row.api_key.clone(),
        throttling: route.row.throttling.clone(),
        location: route.row.location.clone(),
    }
}

fn change(class: Class, api: &ApiRoutes, route: &RouteState) -> Change {
    Change {
        class,
        api: api.name.clone(),
        previous_api: None,
        kind: api.kind.clone(),
        method: route.row.method.clone(),
        path: route.row.path.clone(),
        aspects: vec!["route"],
        before: None,
        after: None,
        detail: None,
        accepted_public: route.row.public && route.accepted,
        location: route.row.location.clone(),
    }
}

fn added(api: &ApiRoutes, route: &RouteState) -> Change {
    Change {
        after: Some(side(route)),
        ..change(Class::Added, api, route)
    }
}

fn removed(api: &ApiRoutes, route: &RouteState) -> Change {
    Change {
        before: Some(side(route)),
        ..change(Class::Removed, api, route)
    }
}

/// A coverage change when the API's routes became hidden or visible (or it came or went with
/// its routes hidden).
fn coverage(old: Option<&ApiRoutes>, new: Option<&ApiRoutes>, changes: &mut Vec<Change>) {
    let hidden = |api: Option<&ApiRoutes>| api.and_then(|api| api.hidden.clone());
    let (was, is) = (hidden(old), hidden(new));
    let detail = match (&was, &is, old.is_some(), new.is_some()) {
        (None, Some((at, why)), true, _) => {
            format!("its routes are no longer visible to gatelint ({why}, at {at})")
        }
        (None, Some((at, why)), false, _) => {
            format!("a new API whose routes gatelint cannot see ({why}, at {at})")
        }
        (Some((at, why)), None, _, true) => {
            format!("its routes are visible to gatelint now (they were not: {why}, at {at})")
        }
        (Some((at, why)), None, _, false) => {
            format!("an API whose routes gatelint could not see was removed ({why}, at {at})")
        }
        _ => return,
    };
    let Some(api) = new.or(old) else {
        return;
    };
    changes.push(Change {
        class: Class::Coverage,
        api: api.name.clone(),
        previous_api: None,
        kind: api.kind.clone(),
        method: String::new(),
        path: String::new(),
        aspects: vec!["visibility"],
        before: None,
        after: None,
        detail: Some(detail),
        accepted_public: false,
        location: is
            .or(was)
            .map_or_else(|| api.location.clone(), |(at, _)| at),
    });
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

fn compare_api(
    old: &ApiRoutes,
    new: &ApiRoutes,
    previous: Option<&str>,
    changes: &mut Vec<Change>,
) {
    coverage(Some(old), Some(new), changes);
    let key = |r: &RouteState| (r.row.method.clone(), r.row.path.clone());
    let mut before: BTreeMap<(String, String), Vec<&RouteState>> = BTreeMap::new();
    for route in &old.routes {
        before.entry(key(route)).or_default().push(route);
    }
    let first = changes.len();
    for route in &new.routes {
        let was = before.get_mut(&key(route)).and_then(|routes| {
            if routes.is_empty() {
                None
            } else {
                Some(routes.remove(0))
            }
        });
        match was {
            Some(was) => {
                if let Some(change) = compare_route(new, was, route) {
                    changes.push(change);
                }
            }
            None => changes.push(added(new, route)),
        }
    }
    for route in before.into_values().flatten() {
        changes.push(removed(old, route));
    }
    if let Some(previous) = previous {
        for change in changes.iter_mut().skip(first) {
            change.previous_api = Some(previous.to_owned());
        }
    }
}

fn compare_route(api: &ApiRoutes, old: &RouteState, new: &RouteState) -> Option<Change> {
    let mut aspects = Vec::new();
    if old.auth != new.auth {
        aspects.push("auth");
    }
    if old.row.api_key != new.row.api_key {
        aspects.push("api-key");
    }
    if old.row.throttling != new.row.throttling {
        aspects.push("throttling");
    }
    if aspects.is_empty() {
        return None;
    }
    let class = match (old.strength, new.strength) {
        (was, Some(is)) if is < Strength::Credentials && was.is_none_or(|was| is < was) => {
            Class::Opened
        }
        (Some(was), Some(is)) if is > was => Class::Tightened,
        _ => Class::Changed,
    };
    Some(Change {
        aspects,
        before: Some(side(old)),
        after: Some(side(new)),
        accepted_public: class == Class::Opened && new.accepted,
        ..change(class, api, new)
    })
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// Output formats of `routes --diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    Table,
    Markdown,
    Json,
    /// GitHub workflow commands: an annotation on each opened route.
    Github,
}

pub fn render(
    diff: &Diff,
    format: DiffFormat,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        DiffFormat::Table => render_table(diff, color, out),
        DiffFormat::Markdown => render_markdown(diff, out),
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, diff).map_err(io::Error::other)?;
            writeln!(out)
        }
        DiffFormat::Github => render_github(diff, out),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// `1 opened, 0 tightened, ...; 1 API renamed`.
fn counts(diff: &Diff, strong: &dyn Fn(&str) -> String) -> String {
    let parts: Vec<String> = Class::ALL
        .iter()
        .map(|&class| {
            let text = format!("{} {}", diff.count(class), class.as_str());
            if class == Class::Opened && diff.count(class) > 0 {
                strong(&text)
            } else {
                text
            }
        })
        .collect();
    let mut text = parts.join(", ");
    if !diff.renames.is_empty() {
        let n = diff.renames.len();
        text.push_str(&format!(
            "; {n} {} renamed",
            if n == 1 { "API" } else { "APIs" }
        ));
    }
    text
}

/// The before and after cells: the values of what differs.
fn values(change: &Change) -> (String, String) {
    let describe = |side: &Option<RouteSide>| -> String {
        let Some(side) = side else {
            return "-".to_owned();
        };
        let aspects = &change.aspects;
        if aspects.iter().all(|a| *a == "auth" || *a == "route") {
            return side.auth.clone();
        }
        let mut parts = Vec::new();
        for aspect in aspects {
            match *aspect {
                "auth" => parts.push(side.auth.clone()),
                "api-key" => parts.push(format!("API key: {}", side.api_key)),
                "throttling" => parts.push(format!("throttling: {}", side.throttling)),
                _ => {}
            }
        }
        parts.join("; ")
    };
    match change.class {
        Class::Coverage => ("-".to_owned(), change.detail.clone().unwrap_or_default()),
        _ => {
            let mut after = describe(&change.after);
            if change.accepted_public {
                after.push_str(ACCEPTED_SUFFIX);
            }
            (describe(&change.before), after)
        }
    }
}

fn api_cell(change: &Change) -> String {
    match &change.previous_api {
        Some(previous) => format!("{} (was {previous})", change.api),
        None => change.api.clone(),
    }
}

const HEADERS: [&str; 7] = [
    "CHANGE", "API", "METHOD", "PATH", "BEFORE", "AFTER", "LOCATION",
];

fn cells(change: &Change) -> [String; 7] {
    let (before, after) = values(change);
    [
        change.class.as_str().to_owned(),
        api_cell(change),
        change.method.clone(),
        change.path.clone(),
        before,
        after,
        change.location.to_string(),
    ]
}

fn rename_line(rename: &Rename) -> String {
    let place = |name: &ApiName| {
        if rename.from.file == rename.to.file {
            name.api.clone()
        } else {
            format!("{} ({})", name.api, name.file)
        }
    };
    format!(
        "renamed: {} to {} ({} API, {} {} compared as one API), {}",
        place(&rename.from),
        place(&rename.to),
        rename.kind,
        rename.routes,
        if rename.routes == 1 {
            "route"
        } else {
            "routes"
        },
        rename.location
    )
}

fn render_table(diff: &Diff, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let bold = if color {
        Style::new().bold()
    } else {
        Style::new()
    };
    let red = if color {
        Style::new().fg_color(Some(AnsiColor::Red.into()))
    } else {
        Style::new()
    };
    writeln!(
        out,
        "{bold}Routes changed since {} ({}){bold:#}: {}",
        one_line(&diff.base),
        short(&diff.commit),
        counts(diff, &|text| format!("{red}{text}{red:#}"))
    )?;
    if diff.changes.is_empty() && diff.renames.is_empty() {
        return writeln!(out, "\nNo route changed.");
    }
    if !diff.changes.is_empty() {
        writeln!(out)?;
        let table: Vec<[String; 7]> = diff
            .changes
            .iter()
            .map(|change| cells(change).map(|cell| one_line(&cell)))
            .collect();
        let mut widths = HEADERS.map(|h| h.chars().count());
        for row in &table {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let header: Vec<String> = HEADERS.iter().map(|h| (*h).to_owned()).collect();
        super::write_aligned(out, &header, &widths, |_| bold)?;
        for (change, cells) in diff.changes.iter().zip(&table) {
            let opened = change.class == Class::Opened && !change.accepted_public;
            super::write_aligned(out, cells, &widths, |column| {
                if opened && (column == 0 || column == 5) {
                    red
                } else {
                    Style::new()
                }
            })?;
        }
    }
    if !diff.renames.is_empty() {
        writeln!(out)?;
        for rename in &diff.renames {
            writeln!(out, "{}", one_line(&rename_line(rename)))?;
        }
    }
    Ok(())
}

fn render_markdown(diff: &Diff, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(
        out,
        "### Routes changed since {} ({})\n",
        markdown_cell(&diff.base),
        short(&diff.commit)
    )?;
    writeln!(out, "{}.\n", counts(diff, &|text| format!("**{text}**")))?;
    if diff.changes.is_empty() && diff.renames.is_empty() {
        return writeln!(out, "No route changed.");
    }
    if !diff.changes.is_empty() {
        writeln!(
            out,
            "| change | API | method | path | before | after | location |"
        )?;
        writeln!(out, "|{}", "---|".repeat(HEADERS.len()))?;
        for change in &diff.changes {
            let mut cells = cells(change).map(|cell| markdown_cell(&cell));
            if change.class == Class::Opened
                && !change.accepted_public
                && let Some(class) = cells.get_mut(0)
            {
                *class = format!("**{class}**");
            }
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
    }
    if !diff.renames.is_empty() {
        writeln!(out)?;
        for rename in &diff.renames {
            writeln!(out, "- {}", markdown_cell(&rename_line(rename)))?;
        }
    }
    Ok(())
}

/// A warning on each opened route (a notice when `public-routes` accepts it).
fn render_github(diff: &Diff, out: &mut dyn io::Write) -> io::Result<()> {
    for change in diff.changes.iter().filter(|c| c.class == Class::Opened) {
        let (before, after) = values(change);
        let route = if change.method.is_empty() {
            change.path.clone()
        } else {
            format!("{} {}", change.method, change.path)
        };
        let message = format!(
            "{route} on {} is opened since {}: {after} (before: {before})",
            api_cell(change),
            diff.base
        );
        writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            if change.accepted_public {
                "notice"
            } else {
                "warning"
            },
            escape_property(&change.location.path),
            change.location.line,
            change.location.column,
            escape_property("gatelint: route opened"),
            escape_data(&message)
        )?;
    }
    Ok(())
}
