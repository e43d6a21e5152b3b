use crate::diagnostic::Finding;
use crate::model::{ApiKind, Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct NoAccessLog;

impl Rule for NoAccessLog {
    rule_meta!("no-access-log", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            let setting = match api.kind {
                ApiKind::Rest => "AccessLogSetting",
                ApiKind::Http | ApiKind::WebSocket => "AccessLogSettings",
            };
            let (label, help) = match api.notation {
                Notation::Gateway => (
                    format!("no `{setting}` with a `DestinationArn`"),
                    format!(
                        "add `{setting}` with a CloudWatch Logs group (or Firehose stream) as \
                         `DestinationArn` and a `Format` that records at least the caller \
                         (`$context.identity.sourceIp`), the route, the status and the \
                         authorizer's principal"
                    ),
                ),
                Notation::Terraform => (
                    "no `access_log_settings` block".to_owned(),
                    "add an `access_log_settings` block with a CloudWatch Logs group (or Firehose \
                     stream) as `destination_arn` and a `format` that records at least the caller \
                     (`$context.identity.sourceIp`), the route, the status and the authorizer's \
                     principal"
                        .to_owned(),
                ),
                Notation::ServerlessFramework => {
                    let logs = match api.kind {
                        ApiKind::Rest => "restApi",
                        ApiKind::Http => "httpApi",
                        ApiKind::WebSocket => "websocket",
                    };
                    (
                        format!("no `provider.logs.{logs}`"),
                        format!(
                            "set `provider.logs.{logs}: true` (the framework then creates the log \
                             group and the access log setting), with a `format` that records at \
                             least the caller, the route, the status and the authorizer's principal"
                        ),
                    )
                }
            };
            for stage in &api.stages {
                for (when, logged) in stage.access_log.cases() {
                    if *logged {
                        continue;
                    }
                    findings.push(
                        Finding::new(
                            self.meta(),
                            stage.origin.clone(),
                            format!(
                                "the stage `{}` of {} keeps no access log{}",
                                stage.name, api.display, when
                            ),
                        )
                        .label(label.clone())
                        .related(api.origin.clone(), "the API")
                        .subject(format!("{} {}", api.name, stage.name))
                        .help(
                            stage
                                .implicit
                                .clone()
                                .unwrap_or_else(|| api.stage_fix(&help)),
                        ),
                    );
                }
            }
        }
    }
}
