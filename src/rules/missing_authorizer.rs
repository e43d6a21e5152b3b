use crate::collections::HashSet;
use crate::diagnostic::Finding;
use crate::model::{AuthorizerKind, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct MissingAuthorizer;

impl Rule for MissingAuthorizer {
    rule_meta!("missing-authorizer", Error);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            let defined: HashSet<&str> = api.authorizers.iter().map(|a| a.name.as_str()).collect();
            for route in &api.routes {
                for reference in route.references.iter() {
                    if defined.contains(&*reference.name) {
                        continue;
                    }
                    let ignored = api
                        .ignored_schemes
                        .iter()
                        .find(|(name, _)| **name == *reference.name);
                    let message = if ignored.is_some() {
                        format!(
                            "{} on {}{} requires `{}`, which is defined under \
                             `securityDefinitions`: OpenAPI 3 ignores that Swagger 2 key (schemes \
                             belong under `components.securitySchemes`)",
                            route.describe(),
                            api.display,
                            route.declared_by(),
                            reference.name
                        )
                    } else if reference.name.is_empty() {
                        format!(
                            "{} on {}{} asks for an authorizer but names none",
                            route.describe(),
                            api.display,
                            route.declared_by()
                        )
                    } else {
                        format!(
                            "{} on {}{} requires `{}`, which {} does not define",
                            route.describe(),
                            api.display,
                            route.declared_by(),
                            reference.name,
                            api.display
                        )
                    };
                    let mut finding = Finding::new(self.meta(), reference.origin.clone(), message)
                        .label("not a defined authorizer or security scheme")
                        .related(route.origin.clone(), "the route");
                    if let Some((_, at)) = ignored {
                        finding = finding.related(
                            at.clone(),
                            "ignored in OpenAPI 3: move it under `components.securitySchemes`",
                        );
                    }
                    findings.push(
                        finding
                            .subject(format!("{} {} {}", api.name, route.describe(), reference.name))
                            .help(
                                "define the authorizer or security scheme on the same API, or fix the \
                                 reference: a route whose authorizer does not resolve fails to deploy or \
                                 is not protected the way it reads",
                            ),
                    );
                }
            }
            for typed in &api.typed_uses {
                let Some(authorizer) = api.authorizers.iter().find(|a| a.name == typed.authorizer)
                else {
                    continue;
                };
                let expected = match typed.authorization_type.as_str() {
                    "CUSTOM" => "a Lambda (`TOKEN` or `REQUEST`) authorizer",
                    _ => "a `COGNITO_USER_POOLS` authorizer",
                };
                let matches = match (typed.authorization_type.as_str(), &authorizer.kind) {
                    ("CUSTOM", AuthorizerKind::LambdaToken | AuthorizerKind::LambdaRequest)
                    | ("COGNITO_USER_POOLS", AuthorizerKind::Cognito) => true,
                    // What is not a known REST authorizer type is not a mismatch we can prove.
                    (_, AuthorizerKind::Other(_)) => true,
                    _ => false,
                };
                if matches {
                    continue;
                }
                let Some(route) = api.routes.iter().find(|r| r.origin == typed.route_origin) else {
                    continue;
                };
                let message = format!(
                    "{} on {}{} has `AuthorizationType: {}` but its `AuthorizerId` names `{}`, a {}: \
                     the authorization type needs {expected}",
                    route.describe(),
                    api.display,
                    route.declared_by(),
                    typed.authorization_type,
                    authorizer.name,
                    authorizer.kind.describe(),
                );
                findings.push(
                    Finding::new(self.meta(), typed.origin.clone(), message)
                        .label(format!("needs {expected}"))
                        .related(
                            authorizer
                                .kind_origin
                                .clone()
                                .unwrap_or_else(|| authorizer.origin.clone()),
                            "the authorizer's type",
                        )
                        .subject(format!(
                            "{} {} {} {}",
                            api.name,
                            route.describe(),
                            typed.authorization_type,
                            authorizer.name
                        ))
                        .help(
                            "use `CUSTOM` with a `TOKEN` or `REQUEST` authorizer and \
                             `COGNITO_USER_POOLS` with a Cognito authorizer: API Gateway rejects \
                             the method (or the deployment fails), and the route is not protected \
                             the way it reads",
                        ),
                );
            }
            for authorizer in &api.authorizers {
                for (field, at) in &authorizer.missing {
                    let message = format!(
                        "the {} `{}` on {} has no `{field}`",
                        authorizer.kind.describe(),
                        authorizer.name,
                        api.display
                    );
                    findings.push(
                        Finding::new(self.meta(), at.clone(), message)
                            .label(format!("`{field}` is missing"))
                            .related(authorizer.origin.clone(), "the authorizer")
                            .subject(format!("{} {} {field}", api.name, authorizer.name))
                            .help(format!(
                                "set `{field}`: without it the authorizer cannot verify anyone, and \
                                 deployment fails or the routes using it stay unprotected"
                            )),
                    );
                }
            }
        }
    }
}
