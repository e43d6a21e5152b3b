//! `public-routes`: method-and-path patterns for routes that are meant to be callable without
//! credentials (a health check, a sign-up endpoint). `unauthenticated-route` skips a route one
//! of them matches. Patterns are read from the configuration; matching only sees the model.
//!
//! A pattern is `METHOD PATH`: the method is a name (`GET`), `ANY` (only routes declared for
//! any method) or `*` (every method). The path is split on `/`: `*` stands for one segment,
//! `**` for any number of segments (none included), `*` inside a segment for any text in it,
//! and a `{parameter}` segment matches any parameter segment, whatever its name. A pattern that
//! does not start with `/` (`$connect`, `$default`) is compared with the route key as a whole,
//! `*` again standing for any text.

use globset::{GlobBuilder, GlobMatcher};

use crate::model::{Api, Method, Route};
use crate::paths::RelativeTo;

/// One `public-routes` entry.
#[derive(Clone, Debug)]
pub struct PublicRoute {
    /// `None` for `*`, every method.
    method: Option<Method>,
    path: String,
    /// Only routes of the API with this name (an OpenAPI `info.title`, a logical id).
    pub api: Option<String>,
    /// Only routes declared in files this glob matches: the path relative to the configuration
    /// file's directory (`file_base`), else as findings show it.
    file: Option<GlobMatcher>,
    file_base: Option<RelativeTo>,
}

impl PublicRoute {
    /// Parse `METHOD PATH`; the error says what is wrong with it.
    pub fn parse(pattern: &str) -> Result<PublicRoute, String> {
        let mut words = pattern.split_whitespace();
        let (Some(method), Some(path), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "`{pattern}` is not `METHOD PATH` (for example `GET /health` or `* /public/**`)"
            ));
        };
        let method = if method == "*" {
            None
        } else {
            Some(
                Method::parse(method)
                    .ok_or_else(|| format!("`{method}` is not an HTTP method, `ANY` or `*`"))?,
            )
        };
        if !path.starts_with('/') && !path.starts_with('$') {
            return Err(format!(
                "`{path}` is neither a path (starting with `/`) nor a route key (starting with `$`)"
            ));
        }
        Ok(PublicRoute {
            method,
            path: path.to_owned(),
            api: None,
            file: None,
            file_base: None,
        })
    }

    /// Limit the pattern to files matching `glob` (globset syntax, `*` also crosses `/`).
    pub fn in_files(mut self, glob: &str) -> Result<PublicRoute, String> {
        let glob = GlobBuilder::new(glob)
            .backslash_escape(true)
            .build()
            .map_err(|err| format!("invalid glob `{glob}`: {}", err.kind()))?;
        self.file = Some(glob.compile_matcher());
        Ok(self)
    }

    /// Match the `file` glob against paths relative to `base` (the configuration's directory).
    pub fn relative_to(&mut self, base: RelativeTo) {
        self.file_base = Some(base);
    }

    /// Whether `route` of `api` is one this pattern accepts as public.
    pub fn matches(&self, api: &Api, route: &Route) -> bool {
        self.method.is_none_or(|m| m == route.method)
            && self.api.as_ref().is_none_or(|name| *name == api.name)
            && self.file.as_ref().is_none_or(|glob| {
                let path = route.origin.file.path();
                match &self.file_base {
                    Some(base) => glob.is_match(base.relative(path)),
                    None => glob.is_match(path),
                }
            })
            && path_matches(&self.path, &route.path)
    }
}

fn path_matches(pattern: &str, path: &str) -> bool {
    if !pattern.starts_with('/') {
        return wildcard(pattern.as_bytes(), path.as_bytes(), |p, t| p == t, b'*');
    }
    let segments = |text: &'_ str| -> Vec<String> {
        text.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (pattern, path) = (segments(pattern), segments(path));
    let double_star = String::from("**");
    wildcard(&pattern, &path, segment_matches, double_star)
}

fn segment_matches(pattern: &String, segment: &String) -> bool {
    let is_parameter = |s: &str| s.starts_with('{') && s.ends_with('}');
    (is_parameter(pattern) && is_parameter(segment))
        || wildcard(pattern.as_bytes(), segment.as_bytes(), |p, t| p == t, b'*')
}

/// Glob matching of `text` against `pattern`, where `star` matches any run of items and every
/// other item must `matches` one item. Backtracks only to the last star: O(len × len).
fn wildcard<T: PartialEq>(
    pattern: &[T],
    text: &[T],
    matches: impl Fn(&T, &T) -> bool,
    star: T,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some(item), _) if *item == star => {
                resume = Some((p, t));
                p += 1;
            }
            (Some(item), Some(value)) if matches(item, value) => {
                p += 1;
                t += 1;
            }
            _ => match resume {
                Some((star_at, from)) => {
                    p = star_at + 1;
                    t = from + 1;
                    resume = Some((star_at, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|item| *item == star))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(pattern: &str, path: &str) -> bool {
        path_matches(pattern, path)
    }

    #[test]
    fn literal_paths_match_exactly() {
        assert!(accepts("/health", "/health"));
        assert!(accepts("/health/", "/health"));
        assert!(!accepts("/health", "/healthz"));
        assert!(!accepts("/health", "/health/deep"));
        assert!(accepts("/", "/"));
    }

    #[test]
    fn stars_match_one_segment_and_double_stars_any_number() {
        assert!(accepts("/public/*", "/public/logo"));
        assert!(!accepts("/public/*", "/public/a/b"));
        assert!(!accepts("/public/*", "/public"));
        assert!(accepts("/public/**", "/public"));
        assert!(accepts("/public/**", "/public/a/b/c"));
        assert!(accepts("/**/health", "/v1/internal/health"));
        assert!(accepts("/**", "/"));
        assert!(!accepts("/public/**", "/private/a"));
    }

    #[test]
    fn stars_inside_a_segment_and_parameters() {
        assert!(accepts("/docs/*.json", "/docs/openapi.json"));
        assert!(!accepts("/docs/*.json", "/docs/openapi.yaml"));
        assert!(accepts("/pets/{id}", "/pets/{petId}"));
        assert!(!accepts("/pets/{id}", "/pets/mine"));
        assert!(accepts("/pets/*", "/pets/{petId}"));
    }

    #[test]
    fn route_keys_match_as_a_whole() {
        assert!(accepts("$connect", "$connect"));
        assert!(!accepts("$connect", "$disconnect"));
        assert!(accepts("$*", "$default"));
    }

    #[test]
    fn patterns_are_checked() {
        assert!(PublicRoute::parse("GET /health").is_ok());
        assert!(PublicRoute::parse("* /public/**").is_ok());
        assert!(PublicRoute::parse("any $connect").is_ok());
        assert!(PublicRoute::parse("/health").is_err());
        assert!(PublicRoute::parse("FETCH /health").is_err());
        assert!(PublicRoute::parse("GET health").is_err());
        assert!(PublicRoute::parse("GET /a /b").is_err());
    }
}
