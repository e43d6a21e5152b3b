use crate::diagnostic::Finding;
use crate::model::{ApiKind, Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct WafNotAssociated;

impl Rule for WafNotAssociated {
    rule_meta!("waf-not-associated", Warning, opt_in);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in workspace.apis.iter().filter(|a| a.kind == ApiKind::Rest) {
            for stage in &api.stages {
                for (when, associated) in stage.web_acl.cases() {
                    if *associated {
                        continue;
                    }
                    findings.push(
                        Finding::new(
                            self.meta(),
                            stage.origin.clone(),
                            format!(
                                "the stage `{}` of {} has no AWS WAF web ACL associated{when}",
                                stage.name, api.display
                            ),
                        )
                        .label(match api.notation {
                            Notation::Terraform => "no `aws_wafv2_web_acl_association` for this stage",
                            _ => "no `AWS::WAFv2::WebACLAssociation` for this stage",
                        })
                        .related(api.origin.clone(), "the API")
                        .subject(format!("{} {}", api.name, stage.name))
                        .help(match api.notation {
                            Notation::Terraform => {
                                "associate a WAFv2 web ACL with the stage (an `aws_wafv2_web_acl_association` \
                                 whose `resource_arn` is the stage's `arn`) with rate-based and managed rules"
                            }
                            _ => {
                                "associate a WAFv2 web ACL with the stage (`AWS::WAFv2::WebACLAssociation` whose \
                                 `ResourceArn` is the stage ARN) with rate-based and managed rules"
                            }
                        }),
                    );
                }
            }
        }
    }
}
