//! What a resource policy says about who may invoke an API, shared by the rules that read one:
//! which statements let everyone in, and which conditions narrow them.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html>

use crate::model::{Effect, PolicyStatement, Resolved, ResourcePolicy};

/// Condition keys any caller can meet: they do not narrow who may call. Every other key (the
/// caller's network, organisation, account, identity, or a key gatelint does not know) is taken
/// to narrow it, so an unfamiliar condition is never reported as open.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
const SAYS_NOTHING_OF_THE_CALLER: [&str; 10] = [
    "aws:SecureTransport",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:UserAgent",
    "aws:Referer",
    "aws:RequestedRegion",
    "aws:ViaAWSService",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
];

/// The condition keys that say which network a request comes from.
pub(super) const VPC_KEYS: [&str; 3] = ["aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn"];

/// Whether the statement's conditions narrow who can call; Unknown when they cannot be read.
pub(super) fn narrows(statement: &PolicyStatement) -> Resolved<bool> {
    statement.condition_keys.map(|keys| {
        keys.iter().any(|key| {
            !SAYS_NOTHING_OF_THE_CALLER
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        })
    })
}

/// An `Allow` of `execute-api:Invoke` to every principal with no condition that narrows it.
pub(super) fn allows_everyone(statement: &PolicyStatement) -> bool {
    allows_everyone_but(statement, &[])
}

/// An `Allow` of `execute-api:Invoke` to every principal with no condition that narrows it,
/// other than conditions on the keys `ignored`.
pub(super) fn allows_everyone_but(statement: &PolicyStatement, ignored: &[&str]) -> bool {
    let narrowed = statement.condition_keys.known().is_none_or(|keys| {
        keys.iter().any(|key| {
            let listed = |list: &[&str]| list.iter().any(|k| k.eq_ignore_ascii_case(key));
            !listed(&SAYS_NOTHING_OF_THE_CALLER) && !listed(ignored)
        })
    });
    statement.effect == Resolved::Known(Effect::Allow)
        && statement.anyone == Resolved::Known(true)
        && statement.invokes == Resolved::Known(true)
        && !narrowed
}

/// Whether a statement may keep some callers out of what an `Allow` to everyone lets in: a
/// `Deny` (or a statement whose effect cannot be read) on invoking, conditioned on who calls,
/// or unconditioned on every method.
fn may_restrict(statement: &PolicyStatement) -> bool {
    if statement.effect == Resolved::Known(Effect::Allow)
        || statement.invokes == Resolved::Known(false)
        || (statement.effect == Resolved::Known(Effect::Deny)
            && statement.anyone == Resolved::Known(false))
    {
        return false;
    }
    match narrows(statement) {
        Resolved::Known(false) => {
            statement.condition_keys.known().is_some_and(Vec::is_empty)
                && statement.every_resource != Resolved::Known(false)
        }
        _ => true,
    }
}

/// The statements that let everyone invoke the API, when the policy can be read and nothing
/// else in it restricts them; empty otherwise.
#[cfg(test)]
fn open_statements(policy: &ResourcePolicy) -> Vec<&PolicyStatement> {
    open_statements_when(policy)
        .into_iter()
        .map(|(_, statement)| statement)
        .collect()
}

/// The open statements (as `open_statements` finds them) in each branch of a policy chosen by `Fn::If`, with the conditions of
/// the branch in a message's words (" when IsProd is true"; "" for a policy without one).
pub(super) fn open_statements_when(policy: &ResourcePolicy) -> Vec<(String, &PolicyStatement)> {
    let mut open = Vec::new();
    for (when, statements) in policy.statements.cases() {
        if statements.iter().any(may_restrict) {
            continue;
        }
        open.extend(
            statements
                .iter()
                .filter(|s| allows_everyone(s))
                .map(|s| (when.clone(), s)),
        );
    }
    open
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;
    use crate::syntax::{Loc, SourceFile, Span};

    fn statement(effect: Effect, anyone: bool, keys: &[&str], every: bool) -> PolicyStatement {
        let file = SourceFile::new("t.yaml", "x".to_owned());
        let at = Loc::new(&file, Span::new(0, 1));
        PolicyStatement {
            effect: Resolved::Known(effect),
            anyone: Resolved::Known(anyone),
            invokes: Resolved::Known(true),
            condition_keys: Resolved::Known(keys.iter().map(|k| (*k).to_owned()).collect()),
            every_resource: Resolved::Known(every),
            origin: at.clone(),
            principal_origin: Some(at),
        }
    }

    fn policy(statements: Vec<PolicyStatement>) -> ResourcePolicy {
        let at = statements[0].origin.clone();
        ResourcePolicy {
            origin: at,
            statements: Resolved::Known(statements),
        }
    }

    #[test]
    fn open_unless_narrowed() {
        let allow = statement(Effect::Allow, true, &[], true);
        assert_eq!(open_statements(&policy(vec![allow.clone()])).len(), 1);
        // A condition that says nothing of the caller does not narrow.
        let https = statement(Effect::Allow, true, &["aws:SecureTransport"], true);
        assert_eq!(open_statements(&policy(vec![https])).len(), 1);
        // A source VPC condition on the Allow, or a Deny outside the VPC, narrows.
        let vpc = statement(Effect::Allow, true, &["aws:SourceVpc"], true);
        assert!(open_statements(&policy(vec![vpc])).is_empty());
        let deny = statement(Effect::Deny, true, &["aws:SourceVpce"], true);
        assert!(open_statements(&policy(vec![allow.clone(), deny])).is_empty());
        // Denying one method to everyone leaves the others open.
        let deny_one = statement(Effect::Deny, true, &[], false);
        assert_eq!(
            open_statements(&policy(vec![allow.clone(), deny_one])).len(),
            1
        );
        // Denying one account leaves everyone else in.
        let deny_account = statement(Effect::Deny, false, &[], true);
        assert_eq!(open_statements(&policy(vec![allow, deny_account])).len(), 1);
    }
}
