use crate::diagnostic::Finding;
use crate::model::{LambdaPermission, Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct LambdaPermissionWithoutSourceArn;

impl Rule for LambdaPermissionWithoutSourceArn {
    rule_meta!("lambda-permission-without-source-arn", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for permission in &workspace.lambda_permissions {
            // The principal with whether the grant is scoped, in each branch of both.
            let grants = permission.principal.and_then(&|principal| {
                permission.scoped.map(|scoped| (principal.clone(), *scoped))
            });
            for (when, (principal, scoped)) in grants.cases() {
                if *scoped || principal != "apigateway.amazonaws.com" {
                    continue;
                }
                let at = permission
                    .principal_origin
                    .clone()
                    .unwrap_or_else(|| permission.origin.clone());
                findings.push(
                    Finding::new(
                        self.meta(),
                        at,
                        format!(
                            "the Lambda permission {} lets API Gateway invoke the function with no \
                             {}{when}: any API, in any AWS account, can call it",
                            permission.name,
                            match permission.notation {
                                Notation::Terraform => "`source_arn` or `source_account`",
                                Notation::Gateway | Notation::ServerlessFramework => {
                                    "`SourceArn` or `SourceAccount`"
                                }
                            }
                        ),
                    )
                    .label("`apigateway.amazonaws.com`, from any API")
                    .related(permission.origin.clone(), "the permission")
                    .subject(permission.name.clone())
                    .help(help(permission)),
                );
            }
        }
    }
}

/// How to scope the grant, in the words of the permission's source.
fn help(permission: &LambdaPermission) -> &'static str {
    match permission.notation {
        Notation::Terraform => {
            "set `source_arn` on the `aws_lambda_permission` to the API's execute-api ARN \
             (`\"${aws_api_gateway_rest_api.<name>.execution_arn}/*\"`, or \
             `aws_apigatewayv2_api.<name>.execution_arn`; `.../authorizers/*` for an authorizer \
             function)"
        }
        Notation::Gateway | Notation::ServerlessFramework => {
            "set `SourceArn` to the API's execute-api ARN (`!Sub \
             arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*`, \
             or `.../authorizers/*` for an authorizer function)"
        }
    }
}
