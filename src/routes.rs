//! The route inventory (`gatelint routes`): every route of every API and every function URL, with
//! its authentication, API key, throttling and source, as an aligned table, JSON or a
//! GitHub-flavoured markdown table.

use std::io;

use annotate_snippets::renderer::{AnsiColor, Style};
use serde::Serialize;

use crate::model::{
    Api, ApiKind, Auth, FunctionUrl, Method, OpenBecause, Resolved, Route, Stage, Workspace,
};
use crate::rules::Settings;
use crate::syntax::Loc;
use crate::text::terminal_safe;

pub mod diff;

/// The schema version of the JSON inventory.
pub const VERSION: u32 = 1;

/// Output formats of `routes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutesFormat {
    Table,
    Json,
    Markdown,
}

/// One line of the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RouteRow {
    pub api: String,
    /// `REST`, `HTTP`, `WebSocket` or `function URL`.
    pub kind: String,
    pub method: String,
    pub path: String,
    /// How callers authenticate: `NONE`, `IAM`, named authorizers; one part per `Fn::If` branch.
    pub auth: String,
    /// Callable without credentials on some branch (CORS preflights and WebSocket routes other
    /// than `$connect` are not counted: no backend runs, or the connection was authenticated).
    pub public: bool,
    /// Open, and matched by a `public-routes` entry of the configuration.
    pub accepted_public: bool,
    pub api_key: String,
    pub throttling: String,
    pub location: Location,
    /// Not a route: the line of an API whose routes gatelint cannot see (`auth` says why,
    /// `location` is the cause).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_visible: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    fn new(loc: &Loc) -> Self {
        let at = loc.start();
        Location {
            path: loc.file.path().to_owned(),
            line: at.line,
            column: at.column,
        }
    }
}

/// The rows for `workspace`, in no particular order (see [`sort`]).
pub fn rows(workspace: &Workspace, settings: &Settings) -> Vec<RouteRow> {
    let mut rows = Vec::new();
    for api in &workspace.apis {
        let throttling = throttling(&api.stages);
        for route in &api.routes {
            rows.push(route_row(api, route, &throttling, settings));
        }
        if let Some(hidden) = &api.hidden_routes
            && let Some(reason) = &hidden.reason
        {
            rows.push(RouteRow {
                api: api.name.clone(),
                kind: api.kind.to_string(),
                method: "-".into(),
                path: "-".into(),
                auth: format!("routes not visible: {reason}"),
                public: false,
                accepted_public: false,
                api_key: "-".into(),
                throttling: throttling.clone(),
                location: Location::new(&hidden.at),
                not_visible: true,
            });
        }
    }
    rows.extend(workspace.function_urls.iter().map(function_url_row));
    rows
}

/// The one stable order: file, API, path, method, line.
pub fn sort(rows: &mut [RouteRow]) {
    rows.sort_by(|a, b| {
        (&a.location.path, &a.api, &a.path, &a.method, &a.location).cmp(&(
            &b.location.path,
            &b.api,
            &b.path,
            &b.method,
            &b.location,
        ))
    });
}

fn route_row(api: &Api, route: &Route, throttling: &str, settings: &Settings) -> RouteRow {
    let (auth, public) = if route.inherits_connection_auth {
        ("via $connect".to_owned(), false)
    } else if route.cors_preflight {
        // API Gateway answers it, and it is never public; SAM may still have put the default
        // authorizer on it (`AddDefaultAuthorizerToCorsPreflight`).
        let auth = if route.auth.any(|auth| !auth.is_open()) {
            describe_resolved(&route.auth, &|auth| describe_auth(api, auth))
        } else {
            "NONE (CORS preflight answered by API Gateway)".to_owned()
        };
        (auth, false)
    } else {
        // Decided by a parameter: name it, so the reader knows what to look at.
        let unknown = api.auth_parameter(route).map_or_else(
            || UNKNOWN.to_owned(),
            |p| {
                format!(
                    "unknown (the parameter `{}`, given at deployment)",
                    p.parameter
                )
            },
        );
        (
            describe_resolved_or(&route.auth, &unknown, &|auth| describe_auth(api, auth)),
            route.auth.any(Auth::is_open),
        )
    };
    let accepted_public = public && settings.public_routes.iter().any(|p| p.matches(api, route));
    // WebSocket route keys and `$default` have no method.
    let method = if api.kind == ApiKind::WebSocket
        || (route.method == Method::Any && route.path.starts_with('$'))
    {
        String::new()
    } else {
        route.method.as_str().to_owned()
    };
    RouteRow {
        api: api.name.clone(),
        kind: api.kind.to_string(),
        method,
        path: route.path.to_string(),
        auth: if accepted_public {
            format!("{auth} (listed in public-routes)")
        } else {
            auth
        },
        public,
        accepted_public,
        // HTTP APIs have no API keys, whatever else about the route is unknown.
        api_key: if api.kind == ApiKind::Http {
            "no".to_owned()
        } else {
            describe_resolved(&route.api_key_required, &|required| {
                if *required { "required" } else { "no" }.to_owned()
            })
        },
        throttling: throttling.to_owned(),
        location: Location::new(&route.origin),
        not_visible: false,
    }
}

fn function_url_row(url: &FunctionUrl) -> RouteRow {
    RouteRow {
        api: url.name.clone(),
        kind: "function URL".into(),
        method: Method::Any.as_str().into(),
        path: "/*".into(),
        auth: describe_resolved(&url.auth, &|auth| match auth {
            Auth::Open(_) => "NONE".into(),
            Auth::Iam => "IAM (SigV4)".into(),
            Auth::ApiKeyOnly => "API key only".into(),
            Auth::Authorizers(uses) => uses
                .iter()
                .map(|u| u.name.clone())
                .collect::<Vec<_>>()
                .join(" or "),
        }),
        public: url.auth.any(Auth::is_open),
        accepted_public: false,
        api_key: "-".into(),
        throttling: "-".into(),
        location: Location::new(&url.origin),
        not_visible: false,
    }
}

/// A value, or one part per branch: `IAM when IsProd is true; NONE when IsProd is false`.
fn describe_resolved<T>(value: &Resolved<T>, describe: &dyn Fn(&T) -> String) -> String {
    describe_resolved_or(value, UNKNOWN, describe)
}

const UNKNOWN: &str = "unknown (decided at deploy time)";

/// As [`describe_resolved`], with `unknown` for what cannot be known before deployment.
fn describe_resolved_or<T>(
    value: &Resolved<T>,
    unknown: &str,
    describe: &dyn Fn(&T) -> String,
) -> String {
    match value {
        Resolved::Known(value) => describe(value),
        Resolved::Unknown => unknown.to_owned(),
        Resolved::Conditional(branches) => {
            let cases = value.cases();
            // Both sides of one condition, the same in every branch: no condition to name.
            let both_sides = matches!(&**branches, [a, b]
                if a.when.name == b.when.name && a.when.holds != b.when.holds);
            if let Some((_, first)) = cases.first()
                && both_sides
                && cases.len() == value.leaf_count()
                && cases.iter().all(|(_, v)| describe(v) == describe(first))
            {
                return describe(first);
            }
            let mut parts: Vec<String> = cases
                .into_iter()
                .map(|(when, value)| format!("{}{when}", describe(value)))
                .collect();
            if parts.len() < value.leaf_count() {
                parts.push(if unknown == UNKNOWN {
                    "unknown otherwise".to_owned()
                } else {
                    format!("{unknown} otherwise")
                });
            }
            parts.join("; ")
        }
    }
}

fn describe_auth(api: &Api, auth: &Auth) -> String {
    match auth {
        Auth::Open(OpenBecause::Disabled) => "NONE".into(),
        Auth::Open(OpenBecause::Miscased) => "NONE (the type is not in capitals)".into(),
        Auth::Open(OpenBecause::Missing) => "NONE (none declared)".into(),
        Auth::ApiKeyOnly => "API key only".into(),
        Auth::Iam => "IAM (SigV4)".into(),
        Auth::Authorizers(uses) if uses.is_empty() => {
            "an authorizer not known before deployment".into()
        }
        Auth::Authorizers(uses) => uses
            .iter()
            .map(|used| {
                let kind = api
                    .authorizer(&used.name)
                    .map_or_else(|| "undefined authorizer".to_owned(), |a| a.kind.describe());
                let scopes = if used.scopes.is_empty() {
                    String::new()
                } else {
                    format!(" (scopes: {})", used.scopes.join(", "))
                };
                format!("{kind} {}{scopes}", used.name)
            })
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// The API's stages and whether each throttles (itself or through a usage plan).
fn throttling(stages: &[Stage]) -> String {
    if stages.is_empty() {
        return "no stage".into();
    }
    let mut parts: Vec<String> = stages
        .iter()
        .map(|stage| {
            let plan = stage
                .usage_plans
                .iter()
                .find(|plan| plan.throttle == Resolved::Known(true));
            let state = match (plan, &stage.throttle) {
                (Some(plan), Resolved::Known(false) | Resolved::Unknown) => {
                    format!("usage plan {}", plan.name)
                }
                (_, throttle) => {
                    describe_resolved(throttle, &|on| if *on { "yes" } else { "no" }.to_owned())
                }
            };
            format!("{}: {state}", stage.name)
        })
        .collect();
    parts.sort();
    parts.join(", ")
}

const HEADERS: [&str; 8] = [
    "API",
    "KIND",
    "METHOD",
    "PATH",
    "AUTH",
    "API KEY",
    "THROTTLING",
    "LOCATION",
];

fn cells(row: &RouteRow) -> [String; 8] {
    [
        row.api.clone(),
        row.kind.clone(),
        row.method.clone(),
        row.path.clone(),
        row.auth.clone(),
        row.api_key.clone(),
        row.throttling.clone(),
        format!(
            "{}:{}:{}",
            row.location.path, row.location.line, row.location.column
        ),
    ]
}

pub fn render(
    rows: &[RouteRow],
    format: RoutesFormat,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        RoutesFormat::Table => render_table(rows, color, out),
        RoutesFormat::Json => render_json(rows, out),
        RoutesFormat::Markdown => render_markdown(rows, out),
    }
}

fn render_table(rows: &[RouteRow], color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let table: Vec<[String; 8]> = rows
        .iter()
        .map(|row| cells(row).map(|cell| one_line(&cell)))
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &table {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let bold = if color {
        Style::new().bold()
    } else {
        Style::new()
    };
    let header: Vec<String> = HEADERS.iter().map(|h| (*h).to_owned()).collect();
    write_aligned(out, &header, &widths, |_| bold)?;
    for (row, cells) in rows.iter().zip(&table) {
        let open = if color && row.public && !row.accepted_public {
            Style::new().fg_color(Some(AnsiColor::Red.into()))
        } else {
            Style::new()
        };
        write_aligned(out, cells, &widths, |column| {
            if column == 4 { open } else { Style::new() }
        })?;
    }
    writeln!(out, "\n{bold}{}{bold:#}", totals(rows))
}

/// `4 routes, 1 callable without credentials, 1 API whose routes are not visible`.
fn totals(rows: &[RouteRow]) -> String {
    let public = rows.iter().filter(|r| r.public).count();
    let hidden = rows.iter().filter(|r| r.not_visible).count();
    let routes = rows.len() - hidden;
    let hidden = match hidden {
        0 => String::new(),
        1 => ", 1 API whose routes are not visible".to_owned(),
        n => format!(", {n} APIs whose routes are not visible"),
    };
    format!(
        "{routes} {}, {public} callable without credentials{hidden}",
        if routes == 1 { "route" } else { "routes" }
    )
}

fn write_aligned(
    out: &mut dyn io::Write,
    cells: &[String],
    widths: &[usize],
    style: impl Fn(usize) -> Style,
) -> io::Result<()> {
    let mut line = String::new();
    let last = cells.len().saturating_sub(1);
    for (column, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let style = style(column);
        line.push_str(&format!("{style}{cell}{style:#}"));
        if column < last {
            let pad = width.saturating_sub(cell.chars().count()) + 2;
            line.push_str(&" ".repeat(pad));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

fn one_line(text: &str) -> String {
    terminal_safe(text).replace(['\n', '\t'], " ")
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    routes: &'a [RouteRow],
}

fn render_json(rows: &[RouteRow], out: &mut dyn io::Write) -> io::Result<()> {
    let document = Document {
        version: VERSION,
        routes: rows,
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
    writeln!(out)
}

fn render_markdown(rows: &[RouteRow], out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "| {} |", HEADERS.map(markdown_cell).join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(HEADERS.len()))?;
    for row in rows {
        let mut cells = cells(row).map(|cell| markdown_cell(&cell));
        if row.public
            && !row.accepted_public
            && let Some(auth) = cells.get_mut(4)
        {
            *auth = format!("**{auth}**");
        }
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out, "\n{}.", totals(rows))
}

/// A table cell: one line, with `|`, emphasis, HTML and maths delimiters escaped, so input
/// cannot break the table or restyle it.
fn markdown_cell(text: &str) -> String {
    let mut cell = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(
            c,
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '$'
        ) {
            cell.push('\\');
        }
        cell.push(c);
    }
    if cell.is_empty() { " ".into() } else { cell }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(markdown_cell("a|b"), "a\\|b");
        assert_eq!(markdown_cell("line\nbreak"), "line break");
        assert_eq!(markdown_cell("/pets/{id}"), "/pets/{id}");
        // `$...$` would be maths on GitHub.
        assert_eq!(markdown_cell("$connect"), "\\$connect");
    }
}
