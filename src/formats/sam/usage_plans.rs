//! A separate `AWS::ApiGateway::UsagePlan` whose `ApiStages` name a SAM API's stage throttles
//! that stage. The stage is named by its `StageName`, by a `Ref` to the stage's logical id the
//! translator generates (`<Api><StageName>Stage`, or `<Api>Stage` and a hash of a name that is
//! not only letters and digits; see [`super::generated`]), or by `!Ref <Api>.Stage`, which the
//! translator resolves to that id.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-api.html>

use super::context::Context;
use crate::formats::cloudformation::gateway::limit_set;
use crate::formats::cloudformation::include::{follow, is_include};
use crate::formats::cloudformation::under_resource_condition;
use crate::formats::intrinsic::{Intrinsic, intrinsic};
use crate::model::{Api, ApiKind, Resolved, Stage, UsagePlanUse};
use crate::syntax::NodeRef;

/// Attach the template's usage plans to the stages of the SAM APIs in `apis` they name. A plan
/// whose stages cannot be read (its `ApiStages`, or one of them, from an include gatelint
/// cannot see; a `Stage` known only at deployment) may throttle the stages it might name, the
/// extra `Stage` stage among them: their throttling is Unknown there, not missing.
pub(super) fn attach<'a>(cx: &Context<'_, 'a>, apis: &mut [Api]) {
    for plan in cx.template.resources_of("AWS::ApiGateway::UsagePlan") {
        let throttle = cx
            .eval
            .mapping(plan.property("Throttle"))
            .and_then(&|throttle| match throttle {
                None => Resolved::Known(false),
                Some(t) => limit_set(&cx.eval, t.get("RateLimit"))
                    .or(&limit_set(&cx.eval, t.get("BurstLimit"))),
            });
        let throttle = under_resource_condition(plan, throttle);
        // What a plan that may name a stage does to it: nothing when it surely throttles
        // nothing, Unknown otherwise.
        let maybe = (throttle != Resolved::Known(false)).then_some(Resolved::Unknown);
        let use_of = |throttle: Resolved<bool>| UsagePlanUse {
            name: plan.id.to_owned(),
            throttle,
            origin: plan.loc(),
        };
        let stages_node = plan
            .properties()
            .and_then(|p| p.get("ApiStages"))
            .map(|s| follow(cx.template.includes(), s));
        if plan.properties().is_some_and(is_include) || stages_node.is_some_and(is_include) {
            // Every stage of every SAM REST API may be one it names.
            if let Some(maybe) = &maybe {
                for api in apis.iter_mut().filter(|a| a.kind == ApiKind::Rest) {
                    for stage in &mut api.stages {
                        add(stage, use_of(maybe.clone()));
                    }
                }
            }
            continue;
        }
        // Each item an include stands for is read as that item; one that cannot be seen
        // stays the include.
        for api_stage in cx.eval.items(stages_node) {
            if is_include(api_stage) {
                if let Some(maybe) = &maybe {
                    for api in apis.iter_mut().filter(|a| a.kind == ApiKind::Rest) {
                        for stage in &mut api.stages {
                            add(stage, use_of(maybe.clone()));
                        }
                    }
                }
                continue;
            }
            let Some(api_id) = cx.eval.get(api_stage, "ApiId").and_then(sam_api_id) else {
                continue;
            };
            let Some(api) = apis.iter_mut().find(|api| api.name == api_id) else {
                continue;
            };
            let Some(named) = cx.eval.get(api_stage, "Stage") else {
                continue;
            };
            for stage in &mut api.stages {
                match names_stage(cx, named, api_id, stage) {
                    Resolved::Known(true) => add(stage, use_of(throttle.clone())),
                    Resolved::Known(false) => {}
                    _ => {
                        if let Some(maybe) = &maybe {
                            add(stage, use_of(maybe.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// Attach `plan` to `stage`, once.
fn add(stage: &mut Stage, plan: UsagePlanUse) {
    if !stage.usage_plans.iter().any(|u| u.name == plan.name) {
        stage.usage_plans.push(plan);
    }
}

/// The id of the SAM API an `ApiId` refers to (`!Ref MyApi`, `{"Ref": "ServerlessRestApi"}`).
fn sam_api_id(node: NodeRef<'_>) -> Option<&str> {
    match intrinsic(node)? {
        Intrinsic::Ref(id) => Some(id),
        _ => None,
    }
}

/// Whether `named` (an `ApiStages[].Stage`) names the stage `stage` of the SAM API `api`: by
/// its name, or by a `Ref` to the stage resource the translator generates for the API's
/// `StageName` (not the extra stage named `Stage`).
/// Unknown when the name is only known at deployment.
fn names_stage<'a>(
    cx: &Context<'_, 'a>,
    named: NodeRef<'a>,
    api: &str,
    stage: &Stage,
) -> Resolved<bool> {
    if let Some(Intrinsic::Ref(id)) = intrinsic(named)
        && let Some(generated) = cx.template.generated(id)
    {
        return Resolved::Known(
            generated.owner == api
                && generated.kind.ends_with("::Stage")
                && stage.implicit.is_none(),
        );
    }
    if is_include(named) {
        return Resolved::Unknown;
    }
    match cx.eval.string(Some(named)) {
        Resolved::Known(Some(name)) => Resolved::Known(*name == stage.name),
        Resolved::Known(None) => Resolved::Known(false),
        // A `Ref` to a resource (a stage gatelint models under another name) is not a name
        // known only at deployment.
        _ if matches!(intrinsic(named), Some(Intrinsic::Ref(id)) if cx.template.resource(id).is_some()) => {
            Resolved::Known(false)
        }
        _ => Resolved::Unknown,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use crate::model::Workspace;

    fn lower(text: &str) -> Workspace {
        let file = crate::syntax::SourceFile::new("t.yaml", text.to_owned());
        let documents = crate::syntax::parse(&file).unwrap();
        let mut workspace = Workspace::default();
        let mut errors = Vec::new();
        crate::formats::lower(
            &documents[0],
            crate::formats::DocumentKind::Sam,
            &mut workspace,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        workspace
    }

    #[test]
    fn a_separate_plan_names_a_sam_stage_in_every_spelling() {
        for spelling in [
            "prod-v1",
            "!Ref PetsApiStage0123456789",
            "!Ref PetsApi.Stage",
            "{\"Ref\": \"PetsApiStageabcdef0123\"}",
        ] {
            let template = format!(
                "Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties: {{StageName: prod-v1, OpenApiVersion: '3.0'}}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages: [{{ApiId: {{Ref: PetsApi}}, Stage: {spelling}}}]
      Throttle: {{RateLimit: 10}}
"
            );
            let workspace = lower(&template);
            let stage = &workspace.apis[0].stages[0];
            assert_eq!(stage.name, "prod-v1", "{spelling}");
            assert_eq!(stage.usage_plans.len(), 1, "{spelling}");
            assert_eq!(
                stage.usage_plans[0].throttle,
                crate::model::Resolved::Known(true)
            );
        }
    }

    #[test]
    fn a_plan_for_another_stage_does_not_throttle_this_one() {
        let workspace = lower(
            "Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod, OpenApiVersion: '3.0'}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages: [{ApiId: !Ref PetsApi, Stage: beta}]
      Throttle: {RateLimit: 10}
",
        );
        assert!(workspace.apis[0].stages[0].usage_plans.is_empty());
    }
}
