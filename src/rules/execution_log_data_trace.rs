use crate::diagnostic::Finding;
use crate::model::{Api, ApiKind, Notation, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct ExecutionLogDataTrace;

impl Rule for ExecutionLogDataTrace {
    rule_meta!("execution-log-data-trace", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for stage in &api.stages {
                for (when, on) in stage.data_trace.cases() {
                    if !on {
                        continue;
                    }
                    let at = stage
                        .data_trace_origin
                        .clone()
                        .unwrap_or_else(|| stage.origin.clone());
                    findings.push(
                        Finding::new(
                            self.meta(),
                            at,
                            format!(
                                "the stage `{}` of {} logs full requests and responses \
                                 (`{}`){when}: `Authorization` headers, tokens and bodies are \
                                 written to CloudWatch Logs",
                                stage.name,
                                api.display,
                                match api.notation {
                                    Notation::Terraform => "data_trace_enabled",
                                    Notation::ServerlessFramework => "fullExecutionData",
                                    Notation::Gateway => "DataTraceEnabled",
                                }
                            ),
                        )
                        .label("full request logging is on")
                        .related(stage.origin.clone(), "the stage")
                        .subject(format!("{} {}", api.name, stage.name))
                        .help(help(api)),
                    );
                }
            }
        }
    }
}

/// How to switch it off, in the words of the API's notation.
fn help(api: &Api) -> &'static str {
    match (api.notation, api.kind) {
        (Notation::ServerlessFramework, ApiKind::WebSocket) => {
            "set `fullExecutionData: false` under `provider.logs.websocket` (execution logs keep \
             their level without payloads) and keep the access log for who called what"
        }
        (Notation::ServerlessFramework, _) => {
            "set `fullExecutionData: false` under `provider.logs.restApi` (execution logs keep \
             their level without payloads) and keep the access log for who called what"
        }
        (Notation::Terraform, ApiKind::Rest) => {
            "set `data_trace_enabled = false` in the `aws_api_gateway_method_settings` `settings` \
             (keep `logging_level = \"ERROR\"` or `\"INFO\"` for execution logs without payloads) \
             and use an access log for who called what"
        }
        (Notation::Terraform, _) => {
            "set `data_trace_enabled = false` in the stage's `default_route_settings` and \
             `route_settings` (keep `logging_level = \"ERROR\"` or `\"INFO\"` for execution logs \
             without payloads) and use an access log for who called what"
        }
        (Notation::Gateway, _) => {
            "set `DataTraceEnabled: false` (keep `LoggingLevel: ERROR` or `INFO` for execution \
             logs without payloads) and use an access log for who called what"
        }
    }
}
