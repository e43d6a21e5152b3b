use crate::diagnostic::Finding;
use crate::model::{Resolved, TimeUnit, TokenIssuer, TokenLifetime, Workspace};

use super::{Rule, Settings, rule_meta};

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
            .help(format!(
                "shorten the lifetime to {} or less: {why}",
                minutes(limit)
            ))
    }
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
