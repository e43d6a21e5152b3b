use crate::diagnostic::Finding;
use crate::model::{ApiKind, Workspace};

use super::{Rule, Settings, rule_meta};

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
                        .label("no `AWS::WAFv2::WebACLAssociation` for this stage")
                        .related(api.origin.clone(), "the API")
                        .subject(format!("{} {}", api.name, stage.name))
                        .help(
                            "associate a WAFv2 web ACL with the stage (`AWS::WAFv2::WebACLAssociation` whose \
                             `ResourceArn` is the stage ARN) with rate-based and managed rules",
                        ),
                    );
                }
            }
        }
    }
}
