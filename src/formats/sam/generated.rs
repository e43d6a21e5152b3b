//! The logical ids the SAM translator gives the resources it generates, so that the rest of the
//! template can refer to them: an API's stage (`<Api><StageName>Stage`, `<Api>.Stage`), its
//! deployment (`<Api>Deployment<hash>`, `<Api>.Deployment`), usage plan, API key, custom domain
//! and base path mapping, the implicit `ServerlessRestApi` and `ServerlessHttpApi`, a function's
//! role, URL, alias, version and event permissions, and an authorizer's permission.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html>
//! <https://github.com/aws/serverless-application-model/blob/develop/samtranslator/model/api/api_generator.py>

use super::events::{IMPLICIT_HTTP_API, IMPLICIT_REST_API};
use super::globals::Globals;
use crate::formats::cloudformation::generated::{FunctionIds, Generated, GeneratedIds};
use crate::formats::cloudformation::{Evaluator, Template};
use crate::formats::intrinsic::intrinsic;
use crate::syntax::NodeRef;

/// The stage name of an HTTP API without `StageName`, and the id suffix of its stage.
const HTTP_DEFAULT_STAGE: &str = "$default";

/// The stage of the implicit REST API.
pub(super) const IMPLICIT_REST_STAGE: &str = "Prod";

pub(super) fn ids<'a>(template: &Template<'a>) -> GeneratedIds<'a> {
    let eval = Evaluator::new(template);
    let globals = Globals::new(template.globals(), template.includes());
    let mut ids = GeneratedIds::default();
    for (kind, section, implicit) in [
        ("AWS::Serverless::Api", "Api", IMPLICIT_REST_API),
        ("AWS::Serverless::HttpApi", "HttpApi", IMPLICIT_HTTP_API),
    ] {
        let rest = section == "Api";
        for resource in template.resources_of(kind) {
            let properties = globals.merged_into(Some(resource), section);
            let stage = properties.get("StageName").node();
            let name = eval.known_string(stage);
            let literal = stage.is_none_or(|s| intrinsic(s).is_none());
            api_ids(
                &mut ids,
                resource.id,
                rest,
                name,
                literal,
                &base_paths(&properties),
            );
            let authorizers = properties.get("Auth").get("Authorizers");
            for (key, _) in authorizers.entries() {
                if let Some(authorizer) = key.as_str() {
                    ids.insert(
                        format!("{}{authorizer}AuthorizerPermission", resource.id),
                        owned(PERMISSION, resource.id),
                    );
                }
            }
        }
        if template.resource(implicit).is_none() {
            ids.insert(implicit.to_owned(), owned(api_type(rest), implicit));
        }
        let implicit_stage = if rest {
            Some(IMPLICIT_REST_STAGE.to_owned())
        } else {
            None
        };
        api_ids(&mut ids, implicit, rest, implicit_stage, true, &[]);
    }
    for resource in template.resources_of("AWS::Serverless::WebSocketApi") {
        let properties = globals.merged_into(Some(resource), "WebSocketApi");
        websocket_ids(&mut ids, &eval, resource.id, &properties);
    }
    for function in template.resources_of("AWS::Serverless::Function") {
        function_ids(&mut ids, &globals, function);
    }
    ids
}

const PERMISSION: &str = "AWS::Lambda::Permission";

fn api_type(rest: bool) -> &'static str {
    if rest {
        "AWS::ApiGateway::RestApi"
    } else {
        "AWS::ApiGatewayV2::Api"
    }
}

fn owned<'a>(kind: &'static str, owner: &'a str) -> Generated<'a> {
    Generated {
        kind,
        owner,
        stage_name: None,
    }
}

/// The ids of what an API generates. `stage` is the stage's name when known before deployment
/// (an HTTP API without one has `$default`); `literal` says whether it is written as text: an
/// intrinsic `StageName` gives the stage the id `<Api>Stage`.
fn api_ids<'a>(
    ids: &mut GeneratedIds<'a>,
    api: &'a str,
    rest: bool,
    stage: Option<String>,
    literal: bool,
    base_paths: &[&str],
) {
    let stage_kind = if rest {
        "AWS::ApiGateway::Stage"
    } else {
        "AWS::ApiGatewayV2::Stage"
    };
    let stage_name = match (&stage, rest) {
        (None, false) if literal => Some(HTTP_DEFAULT_STAGE.to_owned()),
        _ => stage.clone(),
    };
    let generated_stage = Generated {
        kind: stage_kind,
        owner: api,
        stage_name: stage_name.clone(),
    };
    ids.insert(format!("{api}.Stage"), generated_stage.clone());
    match stage_name.as_deref() {
        // A name written as an intrinsic function: no hash, whatever it evaluates to.
        _ if !literal => ids.insert(format!("{api}Stage"), generated_stage),
        Some(HTTP_DEFAULT_STAGE) if !rest => {
            ids.insert(format!("{api}ApiGatewayDefaultStage"), generated_stage);
        }
        Some(name) if !name.is_empty() && name.chars().all(char::is_alphanumeric) => {
            ids.insert(format!("{api}{name}Stage"), generated_stage);
        }
        // A name of other characters gives `<Api>Stage` and a hash of the name.
        Some(_) => ids.insert_hashed(format!("{api}Stage"), generated_stage),
        None => ids.insert_hashed(format!("{api}Stage"), generated_stage),
    }
    if rest {
        let deployment = owned("AWS::ApiGateway::Deployment", api);
        ids.insert(format!("{api}.Deployment"), deployment.clone());
        ids.insert_hashed(format!("{api}Deployment"), deployment);
        for (suffix, kind) in [
            ("UsagePlan", "AWS::ApiGateway::UsagePlan"),
            ("UsagePlanKey", "AWS::ApiGateway::UsagePlanKey"),
            ("ApiKey", "AWS::ApiGateway::ApiKey"),
            ("BasePathMapping", "AWS::ApiGateway::BasePathMapping"),
        ] {
            ids.insert(format!("{api}{suffix}"), owned(kind, api));
            ids.insert(format!("{api}.{suffix}"), owned(kind, api));
        }
        // `CreateUsagePlan: SHARED`: one plan and key for every API that asks for it.
        for (id, kind) in [
            ("ServerlessUsagePlan", "AWS::ApiGateway::UsagePlan"),
            ("ServerlessUsagePlanKey", "AWS::ApiGateway::UsagePlanKey"),
            ("ServerlessApiKey", "AWS::ApiGateway::ApiKey"),
        ] {
            ids.insert(id.to_owned(), owned(kind, api));
        }
        ids.insert(
            format!("{api}.DomainName"),
            owned("AWS::ApiGateway::DomainName", api),
        );
        ids.insert_hashed(
            "ApiGatewayDomainName".to_owned(),
            owned("AWS::ApiGateway::DomainName", api),
        );
    } else {
        v2_domain_ids(ids, api, base_paths);
    }
}

/// The stage name of a WebSocket API without `StageName`.
const WEBSOCKET_DEFAULT_STAGE: &str = "default";

/// What a WebSocket API generates: its stage (`<Api><StageName>Stage`, `<Api>DefaultStage` for
/// the stage named `default`, `<Api>Stage` for an intrinsic name), a route, integration and
/// permission per route key, the `$connect` authorizer and its permission, and the custom
/// domain and its mappings.
/// <https://github.com/aws/serverless-application-model/blob/develop/samtranslator/model/api/websocket_api_generator.py>
fn websocket_ids<'a>(
    ids: &mut GeneratedIds<'a>,
    eval: &Evaluator<'_, '_>,
    api: &'a str,
    properties: &super::globals::Properties<'_>,
) {
    let stage = properties.get("StageName").node().filter(|n| !n.is_null());
    let literal = stage.is_none_or(|s| intrinsic(s).is_none());
    let name = match stage {
        None => Some(WEBSOCKET_DEFAULT_STAGE.to_owned()),
        Some(node) => eval.known_string(Some(node)),
    };
    let generated_stage = Generated {
        kind: "AWS::ApiGatewayV2::Stage",
        owner: api,
        stage_name: name.clone(),
    };
    ids.insert(format!("{api}.Stage"), generated_stage.clone());
    let stage_id = match name.as_deref() {
        _ if !literal => format!("{api}Stage"),
        Some(WEBSOCKET_DEFAULT_STAGE) => format!("{api}DefaultStage"),
        Some(name) => format!("{api}{name}Stage"),
        None => format!("{api}Stage"),
    };
    ids.insert(stage_id, generated_stage);
    for (key, _) in properties.get("Routes").entries() {
        let Some(route_key) = key.as_str() else {
            continue;
        };
        // `$connect` gives `Connect`; any other key must be alphanumeric and is capitalised
        // as Python does (`sendMessage` gives `Sendmessage`).
        let key = match route_key {
            "$connect" | "$disconnect" | "$default" => {
                capitalized(route_key.trim_start_matches('$'))
            }
            key if !key.is_empty() && key.chars().all(char::is_alphanumeric) => capitalized(key),
            _ => continue,
        };
        for (suffix, kind) in [
            ("Route", "AWS::ApiGatewayV2::Route"),
            ("Integration", "AWS::ApiGatewayV2::Integration"),
            ("Permission", PERMISSION),
        ] {
            ids.insert(format!("{api}{key}{suffix}"), owned(kind, api));
        }
    }
    // The authorizer exists only for `AuthType: CUSTOM` written in capitals.
    let auth = properties.get("Auth");
    if auth.get("AuthType").as_str() == Some("CUSTOM") {
        ids.insert(
            format!("{api}ConnectAuthorizer"),
            owned("AWS::ApiGatewayV2::Authorizer", api),
        );
        if !auth.get("InvokeRole").is_present() {
            ids.insert(format!("{api}AuthorizerPermission"), owned(PERMISSION, api));
        }
    }
    v2_domain_ids(ids, api, &base_paths(properties));
}

/// The custom domain of an HTTP or WebSocket API and its mappings: `<Api>ApiMapping`, or one
/// `<Api><BasePath>ApiMapping` per base path (without `-`, `_` and `/`).
/// <https://github.com/aws/serverless-application-model/blob/develop/samtranslator/model/api/apiv2_generator.py>
fn v2_domain_ids<'a>(ids: &mut GeneratedIds<'a>, api: &'a str, base_paths: &[&str]) {
    ids.insert(
        format!("{api}.DomainName"),
        owned("AWS::ApiGatewayV2::DomainName", api),
    );
    ids.insert_hashed(
        "ApiGatewayDomainNameV2".to_owned(),
        owned("AWS::ApiGatewayV2::DomainName", api),
    );
    ids.insert(
        format!("{api}ApiMapping"),
        owned("AWS::ApiGatewayV2::ApiMapping", api),
    );
    for path in base_paths {
        let path: String = path
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '/'))
            .collect();
        ids.insert(
            format!("{api}{path}ApiMapping"),
            owned("AWS::ApiGatewayV2::ApiMapping", api),
        );
    }
}

/// The `Domain.BasePath` of an API: one path, or a list.
fn base_paths<'a>(properties: &super::globals::Properties<'a>) -> Vec<&'a str> {
    let written = properties.get("Domain").get("BasePath");
    match written.as_str() {
        Some(path) => vec![path],
        None => written.items().iter().filter_map(|p| p.as_str()).collect(),
    }
}

/// Python's `str.capitalize`: the first character in upper case, the rest in lower case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect()
    })
}

/// What a function generates: its role (unless it names one), its URL and the URL's public
/// permissions, its alias and version, and a permission for each event (`<Function><Event>Permission`,
/// with the stage, `Prod`, or a hash of it appended for REST events).
fn function_ids<'a>(
    ids: &mut GeneratedIds<'a>,
    globals: &Globals<'a>,
    function: crate::formats::cloudformation::Resource<'a>,
) {
    let properties = globals.merged_into(Some(function), "Function");
    let alias = properties
        .get("AutoPublishAlias")
        .as_str()
        .map(|alias| alias.chars().filter(char::is_ascii_alphanumeric).collect());
    let events = function
        .property("Events")
        .into_iter()
        .flat_map(NodeRef::entries)
        .filter_map(|(key, _)| key.as_str())
        .collect();
    ids.insert_function(FunctionIds {
        id: function.id,
        role: !properties.get("Role").is_present(),
        url: properties.get("FunctionUrlConfig").is_present(),
        alias,
        events,
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn generated(text: &str) -> GeneratedIds<'static> {
        let file = crate::syntax::SourceFile::new("t.yaml", text.to_owned());
        // The ids borrow the tree: it lives as long as the test.
        let documents = Box::leak(Box::new(crate::syntax::parse(&file).unwrap()));
        let template = Template::new(documents[0].root()).unwrap();
        ids(&template)
    }

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String}
  Named: {Type: String, Default: beta}
Resources:
  Pets:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod}
  Dashed:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod-v1}
  Computed:
    Type: AWS::Serverless::Api
    Properties: {StageName: !Ref Stage}
  Defaulted:
    Type: AWS::Serverless::Api
    Properties: {StageName: !Ref Named}
  Orders:
    Type: AWS::Serverless::HttpApi
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      Auth: {AuthType: CUSTOM, AuthArn: arn}
      Domain: {DomainName: chat.example.com, CertificateArn: arn, BasePath: [get, /v1_]}
      Routes: {$connect: {FunctionArn: a}, sendMessage: {FunctionArn: b}}
  Rooms:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: Prod
      Auth: {AuthType: custom, AuthArn: arn}
      Routes: {$connect: {FunctionArn: a}, $disconnect: {FunctionArn: b}, a-b: {FunctionArn: c}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig: {AuthType: NONE}
      AutoPublishAlias: live
      Events:
        Get: {Type: Api, Properties: {Path: /, Method: get}}
";

    #[test]
    fn the_translators_names() {
        let ids = generated(TEMPLATE);
        let stage = |id: &str| {
            let g = ids.get(id).unwrap_or_else(|| panic!("{id}"));
            (g.owner.to_owned(), g.stage_name.clone())
        };
        assert_eq!(stage("PetsprodStage"), ("Pets".into(), Some("prod".into())));
        assert_eq!(stage("Pets.Stage"), ("Pets".into(), Some("prod".into())));
        assert_eq!(stage("DashedStagea1b2c3d4e5").0, "Dashed");
        assert_eq!(stage("ComputedStage"), ("Computed".into(), None));
        assert_eq!(
            stage("DefaultedStage"),
            ("Defaulted".into(), Some("beta".into()))
        );
        assert!(ids.get("DefaultedbetaStage").is_none());
        assert_eq!(
            stage("OrdersApiGatewayDefaultStage"),
            ("Orders".into(), Some("$default".into()))
        );
        assert_eq!(
            stage("ServerlessRestApiProdStage"),
            ("ServerlessRestApi".into(), Some("Prod".into()))
        );
        assert_eq!(
            stage("ServerlessHttpApiApiGatewayDefaultStage").0,
            "ServerlessHttpApi"
        );
        for (id, kind) in [
            ("ServerlessRestApi", "AWS::ApiGateway::RestApi"),
            ("ServerlessHttpApi", "AWS::ApiGatewayV2::Api"),
            ("PetsDeployment0123abcdef", "AWS::ApiGateway::Deployment"),
            ("Pets.Deployment", "AWS::ApiGateway::Deployment"),
            ("PetsUsagePlan", "AWS::ApiGateway::UsagePlan"),
            ("PetsApiKey", "AWS::ApiGateway::ApiKey"),
            ("FnRole", "AWS::IAM::Role"),
            ("FnUrl", "AWS::Lambda::Url"),
            ("FnAliaslive", "AWS::Lambda::Alias"),
            ("FnGetPermissionProd", PERMISSION),
            ("FnGetPermission", PERMISSION),
            ("FnGetPermissiona1b2c3d4e5", PERMISSION),
            ("Fn.Alias", "AWS::Lambda::Alias"),
            ("FnVersion0123456789", "AWS::Lambda::Version"),
        ] {
            assert_eq!(ids.get(id).map(|g| g.kind), Some(kind), "{id}");
        }
        assert!(ids.get("PetsStage").is_none());
        // WebSocket APIs, as in the translator's websocket_api_* outputs.
        for (id, kind) in [
            ("ChatDefaultStage", "AWS::ApiGatewayV2::Stage"),
            ("ChatConnectRoute", "AWS::ApiGatewayV2::Route"),
            ("ChatConnectIntegration", "AWS::ApiGatewayV2::Integration"),
            ("ChatConnectPermission", PERMISSION),
            ("ChatSendmessageRoute", "AWS::ApiGatewayV2::Route"),
            ("ChatConnectAuthorizer", "AWS::ApiGatewayV2::Authorizer"),
            ("ChatAuthorizerPermission", PERMISSION),
            ("ChatgetApiMapping", "AWS::ApiGatewayV2::ApiMapping"),
            ("Chatv1ApiMapping", "AWS::ApiGatewayV2::ApiMapping"),
            ("RoomsProdStage", "AWS::ApiGatewayV2::Stage"),
            ("RoomsDisconnectRoute", "AWS::ApiGatewayV2::Route"),
        ] {
            assert_eq!(ids.get(id).map(|g| g.kind), Some(kind), "{id}");
        }
        assert_eq!(stage("Chat.Stage"), ("Chat".into(), Some("default".into())));
        assert_eq!(
            stage("RoomsProdStage"),
            ("Rooms".into(), Some("Prod".into()))
        );
        // `auth` in lower case makes no authorizer; a key that is not alphanumeric no route.
        assert!(ids.get("RoomsConnectAuthorizer").is_none());
        assert!(ids.get("ChatsendMessageRoute").is_none());
        assert!(ids.get("FnUrlX").is_none());
    }

    #[test]
    fn the_first_function_to_make_an_id_owns_it() {
        let ids = generated(
            "Transform: AWS::Serverless-2016-10-31
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      Role: arn
      Events: {BC: {Type: Api}}
  AB:
    Type: AWS::Serverless::Function
    Properties:
      Events: {C: {Type: Api}}
",
        );
        assert_eq!(ids.get("ABCPermission").unwrap().owner, "A");
        assert_eq!(ids.get("ABRole").unwrap().owner, "AB");
        assert!(ids.get("ARole").is_none());
        assert!(ids.get("ABCPermissionXYZ").is_none());
    }
}
