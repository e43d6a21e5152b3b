use crate::diagnostic::Finding;
use crate::model::{Api, ApiKind, Notation, Resolved, Stage, Workspace};

use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct NoRateLimit;

impl Rule for NoRateLimit {
    rule_meta!("no-rate-limit", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for stage in &api.stages {
                // Stage-wide limits, or a usage plan that limits every caller it admits.
                let throttled = stage
                    .usage_plans
                    .iter()
                    .fold(stage.throttle.clone(), |throttled, plan| {
                        throttled.or(&plan.throttle)
                    });
                // Unknown leaves are left out: a setting we cannot read is not a finding.
                for (when, throttled) in throttled.cases() {
                    if !*throttled {
                        findings.push(self.finding(api, stage, &when));
                    }
                }
            }
        }
    }
}

impl NoRateLimit {
    fn finding(&self, api: &Api, stage: &Stage, when: &str) -> Finding {
        let (label, help) = match (api.notation, api.kind) {
            (Notation::ServerlessFramework, ApiKind::Rest) => (
                "no usage plan with a `throttle`",
                "add `provider.apiGateway.usagePlan` with a `throttle` (`rateLimit`, \
                 `burstLimit`); the framework has no stage-wide throttling setting for REST APIs",
            ),
            (Notation::ServerlessFramework, ApiKind::Http) => (
                "the framework sets no throttling on the stage it creates",
                "set `ThrottlingRateLimit` and `ThrottlingBurstLimit` in the `DefaultRouteSettings` \
                 of the generated stage through `resources.extensions.HttpApiStage.Properties`",
            ),
            (Notation::ServerlessFramework, ApiKind::WebSocket) => (
                "the framework sets no throttling on the stage it creates",
                "set `ThrottlingRateLimit` and `ThrottlingBurstLimit` in the `DefaultRouteSettings` \
                 of the generated stage through \
                 `resources.extensions.WebsocketsDeploymentStage.Properties`",
            ),
            (Notation::Terraform, ApiKind::Rest) => (
                "no `*/*` method settings throttling and no throttling usage plan",
                "add an `aws_api_gateway_method_settings` with `method_path = \"*/*\"` and \
                 `throttling_rate_limit`/`throttling_burst_limit` in its `settings`, or an \
                 `aws_api_gateway_usage_plan` with `throttle_settings` whose `api_stages` name \
                 this stage",
            ),
            (Notation::Terraform, ApiKind::Http | ApiKind::WebSocket) => (
                "no `default_route_settings` throttling",
                "set `throttling_rate_limit` and `throttling_burst_limit` in the stage's \
                 `default_route_settings` block",
            ),
            // SAM's `AWS::Serverless::Api` (and `Globals: Api:`) takes `MethodSettings` and a
            // usage plan under `Auth`; it has no Deployment whose `StageDescription` could be set.
            // <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html>
            (Notation::Gateway, ApiKind::Rest) if api.sam => (
                "no `/*` `*` method throttling and no throttling usage plan",
                "set `ThrottlingRateLimit` and `ThrottlingBurstLimit` in a `MethodSettings` entry \
                 with `ResourcePath: /*` and `HttpMethod: '*'`, or a usage plan that throttles \
                 (`Auth: UsagePlan:` with `CreateUsagePlan: PER_API` and a `Throttle`)",
            ),
            (Notation::Gateway, ApiKind::Rest) => (
                "no `/*` `*` method throttling and no throttling usage plan",
                "set `ThrottlingRateLimit` and `ThrottlingBurstLimit` in a `MethodSettings` entry \
                 with `ResourcePath: /*` and `HttpMethod: '*'` (or in the Deployment's \
                 `StageDescription`), or attach a usage plan with a `Throttle`",
            ),
            // `AWS::Serverless::HttpApi` (and `Globals: HttpApi:`) passes `DefaultRouteSettings`
            // and `RouteSettings` on to the stage it creates.
            // <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-httpapi.html>
            (Notation::Gateway, ApiKind::Http | ApiKind::WebSocket) if api.sam => (
                "no `DefaultRouteSettings` throttling",
                "set `ThrottlingRateLimit` and `ThrottlingBurstLimit` in `DefaultRouteSettings` \
                 (or for each route, in `RouteSettings`)",
            ),
            (Notation::Gateway, ApiKind::Http | ApiKind::WebSocket) => (
                "no `DefaultRouteSettings` throttling",
                "set `ThrottlingRateLimit` and `ThrottlingBurstLimit` in the stage's \
                 `DefaultRouteSettings`",
            ),
        };
        let mut finding = Finding::new(
            self.meta(),
            stage.origin.clone(),
            format!(
                "the stage `{}` of {} has no rate limit{when}",
                stage.name, api.display
            ),
        )
        .label(label)
        .related(api.origin.clone(), "the API")
        .subject(format!("{} {}", api.name, stage.name))
        .help(
            stage
                .implicit
                .clone()
                .unwrap_or_else(|| api.stage_fix(help)),
        );
        for plan in &stage.usage_plans {
            if plan.throttle != Resolved::Known(true) {
                finding = finding.related(plan.origin.clone(), "a usage plan without a `Throttle`");
            }
        }
        finding
    }
}
