use crate::diagnostic::{Finding, Fix};
use crate::model::{Resolved, TimeUnit, TokenIssuer, TokenLifetime, Workspace};

use super::fixes;
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct LongLivedTokens;

impl Rule for LongLivedTokens {
    rule_meta!("long-lived-tokens", Warning);

    fn check(&self, workspace: &Workspace, settings: &Settings, findings: &mut Vec<Finding>) {
        for issuer in &workspace.token_issuers {
            let kinds: [(&str, &Resolved<TokenLifetime>, u64); 3] = [
                (
                    "access",
                    &issuer.access_token,
                    settings.max_access_token_minutes,
                ),
                ("ID", &issuer.id_token, settings.max_access_token_minutes),
                (
                    "refresh",
                    &issuer.refresh_token,
                    settings.max_refresh_token_minutes,
                ),
            ];
            for (kind, lifetime, limit) in kinds {
                for (when, lifetime) in lifetime.cases() {
                    if lifetime.minutes() > limit {
                        findings.push(self.finding(issuer, kind, lifetime, limit, &when));
                    }
                }
            }
        }
    }
}

impl LongLivedTokens {
    fn finding(
        &self,
        issuer: &TokenIssuer,
        kind: &str,
        lifetime: &TokenLifetime,
        limit: u64,
        when: &str,
    ) -> Finding {
        let over = format!("longer than {}", minutes(limit));
        // Point at the unit when the number alone, read as minutes, would be within the limit:
        // then the unit is what makes the lifetime long.
        let unit_decides = lifetime.value <= limit;
        let (primary, label, other) = match (&lifetime.value_origin, &lifetime.unit_origin) {
            (value, Some(unit)) if unit_decides => (
                unit.clone(),
                format!("`{}` makes it {over}", lifetime.unit.as_str()),
                value.clone().map(|v| (v, "the validity")),
            ),
            (Some(value), unit) => (value.clone(), over, unit.clone().map(|u| (u, "its unit"))),
            (None, Some(unit)) => (unit.clone(), over, None),
            (None, None) => (
                issuer.origin.clone(),
                format!("the default is {over}"),
                None,
            ),
        };
        let mut length = lifetime.describe();
        if lifetime.unit != TimeUnit::Minutes {
            length.push_str(&format!(" ({} minutes)", lifetime.minutes()));
        }
        let mut finding = Finding::new(
            self.meta(),
            primary,
            format!(
                "{kind} tokens issued to the user pool client `{}` stay valid for {length}{when}",
                issuer.name
            ),
        )
        .label(label)
        .subject(format!("{} {kind}", issuer.name));
        if let Some((loc, text)) = other {
            finding = finding.related(loc, text);
        }
        let why = if kind == "refresh" {
            "a refresh token keeps minting new access and ID tokens for as long as it lives, so a \
             stolen one is a long-lived key to the account"
        } else {
            "JWT and Cognito authorizers check only a token's signature and expiry, so a stolen, \
             revoked or signed-out token keeps working until it expires"
        };
        finding
            .related(issuer.origin.clone(), "the app client")
            .fix(shorten(lifetime, limit))
            .help(format!(
                "shorten the lifetime to {} or less: {why}",
                minutes(limit)
            ))
    }
}

/// The lifetime written as a literal number is lowered to `limit` minutes, expressed in its
/// unit (rounded down, so never longer); when that unit is too coarse for it (1 day against a
/// limit of 60 minutes), a unit written as a literal becomes `minutes` as well. Unsafe: clients
/// then have to refresh or sign in again sooner.
fn shorten(lifetime: &TokenLifetime, limit: u64) -> Option<Fix> {
    const VALUE_KEYS: &[&str] = &[
        "AccessTokenValidity",
        "IdTokenValidity",
        "RefreshTokenValidity",
        "access_token_validity",
        "id_token_validity",
        "refresh_token_validity",
    ];
    const UNIT_KEYS: &[&str] = &[
        "AccessToken",
        "IdToken",
        "RefreshToken",
        "access_token",
        "id_token",
        "refresh_token",
    ];
    let value_at = lifetime.value_origin.as_ref()?;
    let written = |text: &str| text.parse::<u64>().is_ok_and(|v| v == lifetime.value);
    let seconds_per_unit = match lifetime.unit {
        TimeUnit::Seconds => 1,
        TimeUnit::Minutes => 60,
        TimeUnit::Hours => 60 * 60,
        TimeUnit::Days => 24 * 60 * 60,
    };
    let in_unit = limit.saturating_mul(60) / seconds_per_unit;
    let (edits, length) = if in_unit >= 1 {
        let edit = fixes::replace_value(value_at, VALUE_KEYS, written, &in_unit.to_string())?;
        let length = TokenLifetime {
            value: in_unit,
            ..lifetime.clone()
        };
        (vec![edit], length.describe())
    } else {
        let unit_at = lifetime.unit_origin.as_ref()?;
        let unit = fixes::replace_value(
            unit_at,
            UNIT_KEYS,
            |text| TimeUnit::parse(text) == Some(lifetime.unit),
            TimeUnit::Minutes.as_str(),
        )?;
        let value = fixes::replace_value(value_at, VALUE_KEYS, written, &limit.to_string())?;
        (vec![value, unit], minutes(limit))
    };
    Some(Fix::unsafe_(
        format!("shorten the lifetime to {length}"),
        edits,
    ))
}

/// "90 minutes", or "2 days" when it is a whole number of days.
fn minutes(total: u64) -> String {
    const DAY: u64 = 24 * 60;
    if total >= DAY && total.is_multiple_of(DAY) {
        let days = total / DAY;
        return if days == 1 {
            "1 day".into()
        } else {
            format!("{days} days")
        };
    }
    if total == 1 {
        "1 minute".into()
    } else {
        format!("{total} minutes")
    }
}
