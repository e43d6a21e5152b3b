use crate::diagnostic::Finding;
use crate::model::Workspace;

use super::{Rule, Settings, rule_meta};

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
                                 (`DataTraceEnabled`){when}: `Authorization` headers, tokens and \
                                 bodies are written to CloudWatch Logs",
                                stage.name, api.display
                            ),
                        )
                        .label("full request logging is on")
                        .related(stage.origin.clone(), "the stage")
                        .subject(format!("{} {}", api.name, stage.name))
                        .help(
                            "set `DataTraceEnabled: false` (keep `LoggingLevel: ERROR` or `INFO` for \
                             execution logs without payloads) and use an access log for who called what",
                        ),
                    );
                }
            }
        }
    }
}
