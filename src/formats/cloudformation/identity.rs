//! Who can get in without an API: Cognito user pool app clients (the tokens they issue, how
//! long those live and whether they can be revoked, the flows they allow), user pools (MFA),
//! identity pools (credentials for unauthenticated identities), Lambda function URLs and the
//! permissions that let a service invoke a function.

use super::conditions::under_resource_condition;
use super::eval::Evaluator;
use super::template::{Resource, Template};
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{
    Auth, ClientFlows, FunctionUrl, IdentityPool, LambdaPermission, Notation, OpenBecause,
    Resolved, Setting, TimeUnit, TokenIssuer, TokenLifetime, UserPool, Workspace,
};
use crate::syntax::{Loc, NodeRef};

/// One kind of token an app client issues, with Cognito's defaults: "If you don't specify
/// otherwise in the configuration of your app client, your access tokens are valid for one
/// hour" (ID tokens likewise), refresh tokens for 30 days; values are read in hours, hours
/// and days unless `TokenValidityUnits` says otherwise.
/// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html>
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cognito-userpoolclient-tokenvalidityunits.html>
struct TokenKind {
    validity: &'static str,
    unit_key: &'static str,
    default_value: u64,
    default_unit: TimeUnit,
}

const ACCESS_TOKEN: TokenKind = TokenKind {
    validity: "AccessTokenValidity",
    unit_key: "AccessToken",
    default_value: 1,
    default_unit: TimeUnit::Hours,
};

const ID_TOKEN: TokenKind = TokenKind {
    validity: "IdTokenValidity",
    unit_key: "IdToken",
    default_value: 1,
    default_unit: TimeUnit::Hours,
};

const REFRESH_TOKEN: TokenKind = TokenKind {
    validity: "RefreshTokenValidity",
    unit_key: "RefreshToken",
    default_value: 30,
    default_unit: TimeUnit::Days,
};

pub(super) fn lower(template: &Template<'_>, eval: &Evaluator<'_, '_>, workspace: &mut Workspace) {
    for resource in template.resources_of("AWS::Cognito::UserPoolClient") {
        workspace
            .token_issuers
            .push(user_pool_client(eval, resource));
    }
    for resource in template.resources_of("AWS::Lambda::Url") {
        workspace.function_urls.push(function_url(eval, resource));
    }
    for resource in template.resources_of("AWS::Cognito::UserPool") {
        let mfa = resource.property("MfaConfiguration");
        workspace.user_pools.push(UserPool {
            name: resource.id.to_owned(),
            origin: resource.loc(),
            notation: Notation::Gateway,
            // "OFF: MFA won't be used for any users" is the default.
            mfa: under_resource_condition(
                resource,
                eval.string(mfa)
                    .map(|m| m.as_deref().unwrap_or("OFF").to_ascii_uppercase()),
            ),
            mfa_origin: mfa.map(NodeRef::loc),
        });
    }
    for resource in template.resources_of("AWS::Cognito::IdentityPool") {
        workspace
            .identity_pools
            .push(identity_pool(template, eval, resource));
    }
    for resource in template.resources_of("AWS::Lambda::Permission") {
        let principal = resource.property("Principal");
        // `Fn::If` may leave either out (`AWS::NoValue`) in a branch.
        let scoped = ["SourceArn", "SourceAccount"]
            .iter()
            .map(|key| {
                eval.eval_opt(resource.property(key).filter(|v| !v.is_null()))
                    .map(Option::is_some)
            })
            .fold(Resolved::Known(false), |scoped, set| scoped.or(&set));
        workspace.lambda_permissions.push(LambdaPermission {
            name: resource.id.to_owned(),
            origin: resource.loc(),
            notation: Notation::Gateway,
            principal: under_resource_condition(
                resource,
                eval.string(principal).and_then(&|p| match p {
                    Some(p) => Resolved::Known(p.to_ascii_lowercase()),
                    None => Resolved::Unknown,
                }),
            ),
            principal_origin: principal.map(NodeRef::loc),
            scoped,
        });
    }
}

fn identity_pool<'a>(
    template: &Template<'a>,
    eval: &Evaluator<'_, 'a>,
    resource: Resource<'a>,
) -> IdentityPool {
    let allow = resource.property("AllowUnauthenticatedIdentities");
    // The role unauthenticated identities get, from a role attachment naming this pool.
    let unauthenticated_role = template
        .resources_of("AWS::Cognito::IdentityPoolRoleAttachment")
        .filter(|attachment| {
            eval.known_target(attachment.property("IdentityPoolId"))
                .is_some_and(|t| t.resource() == resource.id)
        })
        .find_map(|attachment| {
            let role = eval.get(attachment.property("Roles")?, "unauthenticated")?;
            Some(match eval.known_target(Some(role)) {
                Some(target) => template
                    .resource(target.resource())
                    .map_or_else(|| role.loc(), Resource::loc),
                None => role.loc(),
            })
        });
    IdentityPool {
        name: resource.id.to_owned(),
        origin: resource.loc(),
        notation: Notation::Gateway,
        allow_unauthenticated: under_resource_condition(
            resource,
            eval.boolean(allow).map(|a| a.unwrap_or(false)),
        ),
        allow_unauthenticated_origin: allow.map(NodeRef::loc),
        unauthenticated_role,
    }
}

/// The items of a list property as written, each with its location; upper- or lower-cased by
/// `case`. Unknown when the list itself is computed; items that cannot be read are left out.
fn settings<'a>(
    eval: &Evaluator<'_, 'a>,
    node: Option<NodeRef<'a>>,
    case: fn(&str) -> String,
) -> Resolved<Vec<Setting>> {
    match node {
        None => Resolved::Known(Vec::new()),
        Some(list) if list.is_seq() => Resolved::Known(
            list.items()
                .filter_map(|item| {
                    let value = eval.known_string(Some(item))?;
                    Some(Setting {
                        value: case(&value),
                        origin: item.loc(),
                    })
                })
                .collect(),
        ),
        Some(_) => Resolved::Unknown,
    }
}

fn user_pool_client<'a>(eval: &Evaluator<'_, 'a>, resource: Resource<'a>) -> TokenIssuer {
    let revocation_node = resource.property("EnableTokenRevocation");
    let existence_errors = resource.property("PreventUserExistenceErrors");
    let secret = resource.property("GenerateSecret");
    // "When you create a new user pool client, token revocation is activated by default."
    let revocation = eval.boolean(revocation_node).map(|r| r.unwrap_or(true));
    let access_token = under_resource_condition(resource, lifetime(eval, resource, &ACCESS_TOKEN));
    let id_token = under_resource_condition(resource, lifetime(eval, resource, &ID_TOKEN));
    let refresh_token =
        under_resource_condition(resource, lifetime(eval, resource, &REFRESH_TOKEN));
    TokenIssuer {
        name: resource.id.to_owned(),
        origin: resource.loc(),
        notation: Notation::Gateway,
        revocation: under_resource_condition(resource, revocation),
        revocation_origin: revocation_node.map(NodeRef::loc),
        access_token,
        id_token,
        refresh_token,
        flows: ClientFlows {
            oauth_flows: under_resource_condition(
                resource,
                settings(
                    eval,
                    resource.property("AllowedOAuthFlows"),
                    str::to_ascii_lowercase,
                ),
            ),
            auth_flows: under_resource_condition(
                resource,
                settings(
                    eval,
                    resource.property("ExplicitAuthFlows"),
                    str::to_ascii_uppercase,
                ),
            ),
            // "Defaults to LEGACY when you don't provide a value."
            prevent_user_existence_errors: under_resource_condition(
                resource,
                eval.string(existence_errors)
                    .map(|v| v.as_deref().unwrap_or("LEGACY").to_ascii_uppercase()),
            ),
            prevent_user_existence_errors_origin: existence_errors.map(NodeRef::loc),
            generate_secret: under_resource_condition(
                resource,
                eval.boolean(secret).map(|s| s.unwrap_or(false)),
            ),
            generate_secret_origin: secret.map(NodeRef::loc),
        },
    }
}

/// How long one kind of token lives: the validity value in its unit, each from the template
/// or the default.
fn lifetime<'a>(
    eval: &Evaluator<'_, 'a>,
    resource: Resource<'a>,
    kind: &TokenKind,
) -> Resolved<TokenLifetime> {
    let unit = eval
        .mapping(resource.property("TokenValidityUnits"))
        .and_then(&|units| match units {
            None => Resolved::Known((kind.default_unit, None)),
            Some(map) => unit(eval, map.get(kind.unit_key), kind),
        });
    let value = located(resource.property(kind.validity), 0, &|node| {
        eval.number(node).map(|v| (*v, node.map(NodeRef::loc)))
    });
    value.and_then(&|(value, value_origin)| match value {
        None => Resolved::Known(TokenLifetime {
            value: kind.default_value,
            unit: kind.default_unit,
            value_origin: None,
            unit_origin: None,
        }),
        Some(value) => unit.map(
            |(unit, unit_origin): &(TimeUnit, Option<Loc>)| TokenLifetime {
                value: *value,
                unit: *unit,
                value_origin: value_origin.clone(),
                unit_origin: unit_origin.clone(),
            },
        ),
    })
}

fn unit<'a>(
    eval: &Evaluator<'_, 'a>,
    node: Option<NodeRef<'a>>,
    kind: &TokenKind,
) -> Resolved<(TimeUnit, Option<Loc>)> {
    located(node, 0, &|node| {
        eval.string(node).and_then(&|text| match text {
            None => Resolved::Known((kind.default_unit, None)),
            Some(text) => TimeUnit::parse(text)
                .map(|unit| (unit, node.map(NodeRef::loc)))
                .into(),
        })
    })
}

fn function_url<'a>(eval: &Evaluator<'_, 'a>, resource: Resource<'a>) -> FunctionUrl {
    let auth_node = resource.property("AuthType");
    // <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>
    let auth = eval.string(auth_node).and_then(&|t| {
        match t.as_deref().map(str::to_ascii_uppercase).as_deref() {
            Some("NONE") => Resolved::Known(Auth::Open(OpenBecause::Disabled)),
            Some("AWS_IAM") => Resolved::Known(Auth::Iam),
            // `AuthType` is required: without it the URL is not created.
            _ => Resolved::Unknown,
        }
    });
    FunctionUrl {
        name: resource.id.to_owned(),
        notation: crate::model::Notation::Gateway,
        origin: resource.loc(),
        auth: under_resource_condition(resource, auth),
        auth_origin: auth_node.map(NodeRef::loc),
    }
}

/// How deep `Fn::If`s written inside each other are followed for locations.
const MAX_LOCATED_DEPTH: usize = 16;

/// `read` applied to `node`, after following an `Fn::If` written in place into its branches, so
/// each branch's value keeps the location of its own node (the `24` of `!If [IsDev, 24, 1]`).
fn located<'a, T>(
    node: Option<NodeRef<'a>>,
    depth: usize,
    read: &impl Fn(Option<NodeRef<'a>>) -> Resolved<T>,
) -> Resolved<T> {
    if depth < MAX_LOCATED_DEPTH
        && let Some(Intrinsic::If {
            condition,
            then,
            otherwise,
        }) = node.and_then(intrinsic)
    {
        return Resolved::either(
            condition,
            located(Some(then), depth + 1, read),
            located(Some(otherwise), depth + 1, read),
        );
    }
    read(node)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::super::lower_text as lower;
    use crate::model::{Auth, OpenBecause, Resolved, TokenLifetime};

    #[test]
    fn defaults_units_and_branches() {
        let workspace = lower(
            "
Conditions:
  Dev: !Equals [a, b]
Resources:
  Default:
    Type: AWS::Cognito::UserPoolClient
  Tuned:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      EnableTokenRevocation: 'False'
      AccessTokenValidity: 3601
      IdTokenValidity: !If [Dev, 2, 1]
      RefreshTokenValidity: 12
      TokenValidityUnits: {AccessToken: seconds, IdToken: days, RefreshToken: weeks}
",
        );
        let default = &workspace.token_issuers[0];
        assert_eq!(default.revocation, Resolved::Known(true));
        assert_eq!(
            default.access_token.map(TokenLifetime::minutes),
            Resolved::Known(60)
        );
        assert_eq!(
            default.id_token.map(TokenLifetime::minutes),
            Resolved::Known(60)
        );
        assert_eq!(
            default.refresh_token.map(TokenLifetime::minutes),
            Resolved::Known(30 * 24 * 60)
        );
        let tuned = &workspace.token_issuers[1];
        assert_eq!(tuned.revocation, Resolved::Known(false));
        // Seconds round up.
        assert_eq!(
            tuned.access_token.map(TokenLifetime::minutes),
            Resolved::Known(61)
        );
        let id: Vec<(String, u64, bool)> = tuned
            .id_token
            .branches()
            .into_iter()
            .map(|(when, l)| (format!("{when:?}"), l.minutes(), l.unit_origin.is_some()))
            .collect();
        assert_eq!(id.len(), 2);
        assert_eq!((id[0].1, id[1].1), (2 * 24 * 60, 24 * 60));
        // Each branch points at its own number.
        let origins: Vec<&str> = tuned
            .id_token
            .branches()
            .into_iter()
            .map(|(_, l)| l.value_origin.as_ref().unwrap().text())
            .collect();
        assert_eq!(origins, ["2", "1"]);
        // An unknown unit is not guessed.
        assert_eq!(
            tuned.refresh_token.map(TokenLifetime::minutes),
            Resolved::Unknown
        );
    }

    #[test]
    fn function_urls() {
        let workspace = lower(
            "
Parameters:
  Auth: {Type: String}
Resources:
  Open:
    Type: AWS::Lambda::Url
    Properties: {AuthType: none, TargetFunctionArn: arn:x}
  Signed:
    Type: AWS::Lambda::Url
    Properties: {AuthType: AWS_IAM, TargetFunctionArn: arn:x}
  Decided:
    Type: AWS::Lambda::Url
    Properties: {AuthType: !Ref Auth, TargetFunctionArn: arn:x}
",
        );
        let auth: Vec<&Resolved<Auth>> = workspace.function_urls.iter().map(|u| &u.auth).collect();
        assert_eq!(
            auth,
            [
                &Resolved::Known(Auth::Open(OpenBecause::Disabled)),
                &Resolved::Known(Auth::Iam),
                &Resolved::Unknown,
            ]
        );
    }
}
