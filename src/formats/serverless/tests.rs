//! The lowering of services written for these tests: what the framework's compiler would make
//! of each event form, as routes, authorizers and stages.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use crate::formats::{DocumentKind, classify, lower};
use crate::model::{
    Api, ApiKind, Auth, AuthorizerKind, EndpointType, Method, OpenBecause, Resolved, Route,
    Workspace,
};
use crate::syntax::{SourceFile, parse};

fn lower_service(text: &str) -> (Workspace, Vec<String>) {
    let file = SourceFile::new("serverless.yml", text.to_owned());
    let docs = parse(&file).unwrap();
    let mut workspace = Workspace::default();
    let mut errors = Vec::new();
    for doc in &docs {
        assert_eq!(classify(doc), Some(DocumentKind::Serverless));
        lower(doc, DocumentKind::Serverless, &mut workspace, &mut errors);
    }
    (workspace, errors.into_iter().map(|e| e.message).collect())
}

fn api(workspace: &Workspace, kind: ApiKind) -> &Api {
    workspace.apis.iter().find(|a| a.kind == kind).unwrap()
}

fn route<'w>(api: &'w Api, method: Method, path: &str) -> &'w Route {
    api.routes
        .iter()
        .find(|r| r.method == method && *r.path == *path)
        .unwrap_or_else(|| panic!("no {method} {path} in {:?}", api.routes))
}

fn authorizer_names(auth: &Resolved<Auth>) -> Vec<String> {
    match auth {
        Resolved::Known(Auth::Authorizers(uses)) => {
            uses.iter().map(|u| u.name.to_string()).collect()
        }
        other => panic!("not authorizers: {other:?}"),
    }
}

const HEAD: &str = "service: s\nprovider:\n  name: aws\n";

#[test]
fn http_events_in_every_form() {
    let (ws, errors) = lower_service(&format!(
        "{HEAD}  endpointType: regional\nfunctions:\n  checker:\n    handler: h\n  f:\n    handler: h\n    events:\n\
         \x20     - http: GET /\n\
         \x20     - http: post items/\n\
         \x20     - http:\n          path: /items/{{id}}\n          method: any\n          cors: true\n\
         \x20     - http:\n          path: iam\n          method: get\n          authorizer: AWS_IAM\n\
         \x20     - http:\n          path: fn\n          method: get\n          authorizer: checker\n\
         \x20     - http:\n          path: key\n          method: get\n          private: true\n\
         \x20     - http:\n          path: keyed-fn\n          method: get\n          private: true\n          authorizer: checker\n"
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let rest = api(&ws, ApiKind::Rest);
    assert_eq!(rest.name, "ApiGatewayRestApi");
    assert_eq!(rest.endpoint, Resolved::Known(EndpointType::Regional));
    assert_eq!(
        route(rest, Method::Get, "/").auth,
        Resolved::Known(Auth::Open(OpenBecause::Missing))
    );
    assert!(route(rest, Method::Post, "/items").auth_origin.is_none());
    assert_eq!(
        route(rest, Method::Get, "/iam").auth,
        Resolved::Known(Auth::Iam)
    );
    assert_eq!(
        authorizer_names(&route(rest, Method::Get, "/fn").auth),
        ["checker"]
    );
    assert_eq!(
        route(rest, Method::Get, "/key").auth,
        Resolved::Known(Auth::ApiKeyOnly)
    );
    let keyed = route(rest, Method::Get, "/keyed-fn");
    assert_eq!(authorizer_names(&keyed.auth), ["checker"]);
    assert_eq!(keyed.api_key_required, Resolved::Known(true));
    let preflight = route(rest, Method::Options, "/items/{id}");
    assert!(preflight.cors_preflight);
    let checker = rest.authorizer("checker").unwrap();
    assert_eq!(checker.kind, AuthorizerKind::LambdaToken);
    assert_eq!(checker.cache_ttl, Resolved::Known(300));
    assert_eq!(
        checker.identity_source,
        Resolved::Known(Some("method.request.header.Authorization".to_owned()))
    );
    assert_eq!(rest.stages.len(), 1);
    assert_eq!(rest.stages[0].name, "dev");
    assert_eq!(rest.stages[0].access_log, Resolved::Known(false));
}

#[test]
fn http_authorizers_by_arn_cognito_and_shared_id() {
    let (ws, errors) = lower_service(&format!(
        "{HEAD}functions:\n  f:\n    handler: h\n    events:\n\
         \x20     - http:\n          path: lambda\n          method: get\n          authorizer: arn:aws:lambda:us-east-1:1:function:auth\n\
         \x20     - http:\n          path: pool\n          method: get\n          authorizer:\n            arn: arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_x\n            scopes: [a/read]\n\
         \x20     - http:\n          path: request\n          method: get\n          authorizer:\n            arn: arn:aws:lambda:us-east-1:1:function:req\n            type: request\n            resultTtlInSeconds: 0\n\
         \x20     - http:\n          path: shared\n          method: get\n          authorizer:\n            type: COGNITO_USER_POOLS\n            authorizerId: abc123\n\
         \x20     - http:\n          path: missing\n          method: get\n          authorizer: notAFunction\n\
         \x20     - http:\n          path: unknown\n          method: get\n          authorizer: ${{ssm:/auth/arn}}\n"
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let rest = api(&ws, ApiKind::Rest);
    assert_eq!(
        rest.authorizer("auth").unwrap().kind,
        AuthorizerKind::LambdaToken
    );
    let pool = route(rest, Method::Get, "/pool");
    assert_eq!(&*pool.references[0].scopes, ["a/read"]);
    assert_eq!(
        rest.authorizer(&pool.references[0].name).unwrap().kind,
        AuthorizerKind::Cognito
    );
    let request = rest.authorizer("req").unwrap();
    assert_eq!(request.kind, AuthorizerKind::LambdaRequest);
    assert_eq!(request.cache_ttl, Resolved::Known(0));
    // A REQUEST authorizer that caches nothing needs no identity source.
    assert_eq!(request.identity_source, Resolved::Known(None));
    let shared = rest.authorizer("abc123").unwrap();
    assert_eq!(shared.kind, AuthorizerKind::Cognito);
    assert!(shared.cache_ttl.is_unknown());
    // A name that is no function of the service: referenced, never defined.
    assert_eq!(
        authorizer_names(&route(rest, Method::Get, "/missing").auth),
        ["notAFunction"]
    );
    assert!(rest.authorizer("notAFunction").is_none());
    assert!(route(rest, Method::Get, "/unknown").auth.is_unknown());
}

#[test]
fn http_api_events_and_authorizers() {
    let (ws, errors) = lower_service(&format!(
        "{HEAD}  logs:\n    httpApi: true\n  httpApi:\n    authorizers:\n\
         \x20     jwt:\n        issuerUrl: https://issuer.example.com\n        audience: [a, b]\n\
         \x20     noAudience:\n        issuerUrl: https://issuer.example.com\n\
         \x20     lambda:\n        type: request\n        functionName: auth\n\
         functions:\n  auth:\n    handler: h\n  f:\n    handler: h\n    events:\n\
         \x20     - httpApi: '*'\n\
         \x20     - httpApi: GET /open\n\
         \x20     - httpApi:\n          method: '*'\n          path: /any\n          authorizer: jwt\n\
         \x20     - httpApi:\n          method: post\n          path: /iam\n          authorizer:\n            type: aws_iam\n\
         \x20     - httpApi:\n          method: get\n          path: /lambda\n          authorizer:\n            name: lambda\n"
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let http = api(&ws, ApiKind::Http);
    assert_eq!(http.name, "HttpApi");
    assert!(
        route(http, Method::Any, "$default")
            .auth
            .any(|a| a.is_open())
    );
    assert!(route(http, Method::Get, "/open").auth.any(|a| a.is_open()));
    assert_eq!(
        authorizer_names(&route(http, Method::Any, "/any").auth),
        ["jwt"]
    );
    assert_eq!(
        route(http, Method::Post, "/iam").auth,
        Resolved::Known(Auth::Iam)
    );
    let jwt = http.authorizer("jwt").unwrap();
    assert_eq!(jwt.kind, AuthorizerKind::Jwt);
    assert_eq!(jwt.audience, Resolved::Known(vec!["a".into(), "b".into()]));
    assert_eq!(
        http.authorizer("noAudience").unwrap().audience,
        Resolved::Known(Vec::new())
    );
    let lambda = http.authorizer("lambda").unwrap();
    assert_eq!(lambda.kind, AuthorizerKind::LambdaRequest);
    assert_eq!(lambda.cache_ttl, Resolved::Known(0));
    assert_eq!(http.stages[0].name, "$default");
    assert_eq!(http.stages[0].access_log, Resolved::Known(true));
}

#[test]
fn websocket_connect_authorizer_and_function_urls() {
    let (ws, errors) = lower_service(&format!(
        "{HEAD}functions:\n  auth:\n    handler: h\n  f:\n    handler: h\n    url: true\n    events:\n\
         \x20     - websocket:\n          route: $connect\n          authorizer:\n            name: auth\n            identitySource: [route.request.querystring.token]\n\
         \x20     - websocket: $default\n\
         \x20 g:\n    handler: h\n    url:\n      authorizer: aws_iam\n\
         \x20 h:\n    handler: h\n    url: false\n"
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let socket = api(&ws, ApiKind::WebSocket);
    assert_eq!(
        authorizer_names(&route(socket, Method::Any, "$connect").auth),
        ["auth"]
    );
    assert!(route(socket, Method::Any, "$default").inherits_connection_auth);
    assert_eq!(
        socket.authorizer("auth").unwrap().identity_source,
        Resolved::Known(Some("route.request.querystring.token".to_owned()))
    );
    let urls: Vec<(&str, &Resolved<Auth>)> = ws
        .function_urls
        .iter()
        .map(|u| (u.name.as_str(), &u.auth))
        .collect();
    assert_eq!(
        urls,
        [
            ("f", &Resolved::Known(Auth::Open(OpenBecause::Missing))),
            ("g", &Resolved::Known(Auth::Iam)),
        ]
    );
}

#[test]
fn an_existing_rest_api_hides_its_other_routes_and_has_no_stage_here() {
    let (ws, _) = lower_service(&format!(
        "{HEAD}  apiGateway:\n    restApiId:\n      Fn::ImportValue: shared-api-id\n    restApiRootResourceId: x\n\
         functions:\n  f:\n    handler: h\n    events:\n      - http: GET /users\n"
    ));
    let rest = api(&ws, ApiKind::Rest);
    assert_eq!(rest.name, "shared-api-id");
    assert!(rest.hidden_routes.is_some());
    assert!(rest.stages.is_empty());
}

#[test]
fn an_api_from_elsewhere_is_a_located_coverage_note_unless_a_ref_names_one_of_the_stack() {
    let notes = |provider: &str, event: &str| {
        let (ws, errors) = lower_service(&format!(
            "{HEAD}{provider}functions:\n  f:\n    handler: h\n    events:\n      - {event}\n"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        ws.coverage_notes()
            .into_iter()
            .map(|n| (n.loc.start().line, n.message))
            .collect::<Vec<_>>()
    };
    let not_here = |what: &str| {
        format!("routes of {what} not visible: the API is not defined in this service")
    };
    assert_eq!(
        notes(
            "  apiGateway:\n    restApiId: abc123\n    restApiRootResourceId: r\n",
            "http: GET /x"
        ),
        [(5, not_here("the shared REST API abc123"))]
    );
    assert_eq!(
        notes("  httpApi:\n    id: ${param:apiId}\n", "httpApi: GET /x"),
        [(5, not_here("the shared HTTP API provider.httpApi.id"))]
    );
    assert_eq!(
        notes(
            "  websocketApiId:\n    Fn::ImportValue: ws-id\n",
            "websocket: $connect"
        ),
        [(
            5,
            not_here("the shared WebSocket API provider.apiGateway.websocketApiId")
        )]
    );
    // A `Ref` names a logical id of the service's own stack: no note, the routes still hidden.
    let (ws, _) = lower_service(&format!(
        "{HEAD}  apiGateway:\n    restApiId: {{Ref: SharedApi}}\n    restApiRootResourceId: r\n\
         functions:\n  f:\n    handler: h\n    events:\n      - http: GET /x\n"
    ));
    assert!(ws.coverage_notes().is_empty(), "{:?}", ws.coverage_notes());
    assert!(api(&ws, ApiKind::Rest).hidden_routes.is_some());
}

#[test]
fn events_added_by_ref_to_an_api_of_resources_join_it() {
    for (setting, event, declared, kind) in [
        (
            "  apiGateway:\n    restApiId: {Ref: MyApi}\n    restApiRootResourceId: r\n",
            "http: GET /x",
            "AWS::ApiGateway::RestApi",
            ApiKind::Rest,
        ),
        (
            "  httpApi:\n    id: {Ref: MyApi}\n",
            "httpApi: GET /x",
            "AWS::ApiGatewayV2::Api",
            ApiKind::Http,
        ),
    ] {
        let (ws, errors) = lower_service(&format!(
            "{HEAD}{setting}functions:\n  f:\n    handler: h\n    events:\n      - {event}\n\
             resources:\n  Resources:\n    MyApi:\n      Type: {declared}\n      Properties: {{Name: my}}\n"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        let apis: Vec<&Api> = ws.apis.iter().filter(|a| a.kind == kind).collect();
        assert_eq!(apis.len(), 1, "{setting}: {apis:#?}");
        assert_eq!(apis[0].name, "MyApi");
        assert_eq!(apis[0].routes.len(), 1, "{setting}");
        // Declared here: the API is whole, and nothing says it is elsewhere.
        assert!(apis[0].hidden_routes.is_none(), "{setting}");
        assert!(ws.coverage_notes().is_empty(), "{setting}");
    }
}

#[test]
fn authorizers_cors_and_logs_of_an_external_http_api_are_rejected_where_the_id_is_known() {
    let errors = |id: &str, settings: &str| {
        let (_, errors) = lower_service(&format!(
            "{HEAD}  logs:\n    httpApi: {{format: x}}\n  httpApi:\n    id: {id}\n{settings}\
             functions:\n  f:\n    handler: h\n    events:\n      - httpApi: GET /x\n"
        ));
        errors
    };
    let all = "    cors: true\n    authorizers:\n      jwt: {issuerUrl: i, audience: a}\n";
    let rejected = errors("abc123", all);
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    for (error, what) in rejected
        .iter()
        .zip(["authorizers", "CORS rules", "access logs"])
    {
        assert!(
            error.starts_with(&format!(
                "the framework cannot set up {what} for an HTTP API"
            )),
            "{error}"
        );
    }
    assert_eq!(errors("{Fn::ImportValue: api}", all).len(), 3);
    // A variable without a static value may be empty: then the framework makes its own API.
    assert_eq!(errors("${param:api}", all), Vec::<String>::new());
    // `cors: false` sets nothing up.
    let (_, none) = lower_service(&format!(
        "{HEAD}  httpApi:\n    id: abc123\n    cors: false\n\
         functions:\n  f:\n    handler: h\n    events:\n      - httpApi: GET /x\n"
    ));
    assert_eq!(none, Vec::<String>::new());
}

#[test]
fn usage_plans_one_or_several() {
    let (ws, _) = lower_service(&format!(
        "{HEAD}  apiGateway:\n    apiKeys: [a]\n    usagePlan:\n      - free:\n          quota: {{limit: 10, period: DAY}}\n\
         \x20     - paid:\n          throttle: {{rateLimit: 10, burstLimit: 20}}\n\
         functions:\n  f:\n    handler: h\n    events:\n      - http: GET /x\n"
    ));
    let plans: Vec<(String, Resolved<bool>)> = api(&ws, ApiKind::Rest).stages[0]
        .usage_plans
        .iter()
        .map(|p| (p.name.clone(), p.throttle.clone()))
        .collect();
    assert_eq!(
        plans,
        [
            ("ApiGatewayUsagePlanFree".to_owned(), Resolved::Known(false)),
            ("ApiGatewayUsagePlanPaid".to_owned(), Resolved::Known(true)),
        ]
    );
}

#[test]
fn resources_join_the_generated_api_and_add_token_issuers() {
    let (ws, _) = lower_service(&format!(
        "{HEAD}functions:\n  f:\n    handler: h\n    events:\n\
         \x20     - http:\n          path: x\n          method: get\n          authorizer:\n            type: COGNITO_USER_POOLS\n            authorizerId: !Ref PoolAuthorizer\n\
         resources:\n  Resources:\n\
         \x20   PoolAuthorizer:\n      Type: AWS::ApiGateway::Authorizer\n      Properties:\n        Type: COGNITO_USER_POOLS\n        RestApiId: !Ref ApiGatewayRestApi\n        ProviderARNs: [arn:aws:cognito-idp:us-east-1:1:userpool/x]\n        IdentitySource: method.request.header.Authorization\n\
         \x20   Client:\n      Type: AWS::Cognito::UserPoolClient\n      Properties:\n        UserPoolId: x\n"
    ));
    assert_eq!(ws.apis.len(), 1);
    let rest = api(&ws, ApiKind::Rest);
    let authorizer = rest.authorizer("PoolAuthorizer").unwrap();
    // The resource's authorizer, not the placeholder the event made for an id it could not see.
    assert!(!authorizer.cache_ttl.is_unknown());
    assert_eq!(ws.token_issuers.len(), 1);
}

#[test]
fn rejected_events_are_input_errors_and_odd_services_do_not_panic() {
    let (_, errors) = lower_service(&format!(
        "{HEAD}functions:\n  f:\n    handler: h\n    events:\n\
         \x20     - http: GET\n      - http:\n          path: x\n          method: fetch\n\
         \x20     - httpApi:\n          path: /x\n      - websocket:\n          authorizer: a\n\
         \x20     - http:\n          path: y\n          method: get\n          authorizer: {{}}\n"
    ));
    assert_eq!(errors.len(), 5, "{errors:?}");
    for odd in [
        "service: s\nprovider: {name: aws}\nfunctions: 3\n",
        "service: s\nprovider: {name: aws}\nfunctions: [a, {f: 1}, {g: {events: 2}}]\n",
        "service: s\nprovider: {name: aws}\nfunctions: {f: {events: [http, {http: 3}, {httpApi: []}, {websocket: {route: [x]}}]}}\n",
        "service: s\nprovider: {name: aws, stage: '${self:provider.stage}'}\nfunctions: {f: {events: [{http: GET /x}]}}\n",
        "service: s\nprovider: {name: aws}\nresources: [1, {Resources: 2}, '${file(../x.yml)}']\n",
    ] {
        let _ = lower_service(odd);
    }
}

#[test]
fn events_repeated_through_aliases_are_capped() {
    let mut text = format!("{HEAD}x: &events\n");
    for i in 0..1000 {
        text.push_str(&format!("  - http: GET /p{i}\n"));
    }
    text.push_str("functions:\n");
    for i in 0..150 {
        text.push_str(&format!("  f{i}: {{handler: h, events: *events}}\n"));
    }
    let (ws, errors) = lower_service(&text);
    assert_eq!(api(&ws, ApiKind::Rest).routes.len(), 100_000);
    assert!(
        errors.iter().any(|e| e.contains("more than 100000 events")),
        "{errors:?}"
    );
}

#[test]
fn default_endpoint_switch_and_domain_manager_domains() {
    let (ws, _) = lower_service(&format!(
        "{HEAD}  apiGateway:\n    disableDefaultEndpoint: true\nplugins: [serverless-domain-manager]\n\
         custom:\n  customDomains:\n    - rest:\n        domainName: api.example.com\n        securityPolicy: tls_1_0\n\
         \x20   - websocket:\n        domainName: ws.example.com\n\
         functions:\n  f:\n    handler: h\n    events:\n      - http: GET /x\n      - websocket: $default\n\
         resources:\n  extensions:\n    WebsocketsApi:\n      Properties:\n        DisableExecuteApiEndpoint: true\n"
    ));
    let rest = api(&ws, ApiKind::Rest);
    assert_eq!(rest.default_endpoint_disabled, Resolved::Known(true));
    assert_eq!(rest.custom_domains[0].domain, "api.example.com");
    let socket = api(&ws, ApiKind::WebSocket);
    assert_eq!(socket.default_endpoint_disabled, Resolved::Known(true));
    assert_eq!(socket.custom_domains[0].domain, "ws.example.com");
    let policies: Vec<_> = ws
        .domain_names
        .iter()
        .map(|d| d.security_policy.clone())
        .collect();
    assert_eq!(
        policies,
        [
            Resolved::Known("TLS_1_0".to_owned()),
            Resolved::Known("TLS_1_2".to_owned())
        ]
    );
    // Without the plugin, `custom.customDomain` is just data.
    let (ws, _) = lower_service(&format!(
        "{HEAD}custom:\n  customDomain:\n    domainName: api.example.com\n\
         functions:\n  f:\n    handler: h\n    events:\n      - http: GET /x\n"
    ));
    assert!(api(&ws, ApiKind::Rest).custom_domains.is_empty());
}

#[test]
fn state_machine_http_events_are_located_coverage_notes() {
    let (workspace, errors) = lower_service(
        "service: s\nprovider: aws\nfunctions:\n  f:\n    handler: h\n    events:\n      - http: GET /f\n\
         stepFunctions:\n  stateMachines:\n    flow:\n      events:\n        - http:\n            path: start\n            method: post\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let notes = workspace.coverage_notes();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].message.contains("state machine flow"), "{notes:?}");
    assert_eq!(notes[0].loc.start().line, 12);
    // The REST API's other routes are not all seen.
    assert!(api(&workspace, ApiKind::Rest).hidden_routes.is_some());
}

#[test]
fn logs_switch_on_data_trace_unless_full_execution_data_is_off() {
    let trace = |logs: &str| {
        let (workspace, _) = lower_service(&format!(
            "service: s\nprovider:\n  name: aws\n  logs:\n{logs}\nfunctions:\n  f:\n    handler: h\n    events:\n      - http: GET /f\n"
        ));
        api(&workspace, ApiKind::Rest).stages[0].data_trace.clone()
    };
    assert_eq!(trace("    restApi: true"), Resolved::Known(true));
    assert_eq!(
        trace("    restApi:\n      fullExecutionData: false"),
        Resolved::Known(false)
    );
    assert_eq!(
        trace("    restApi:\n      executionLogging: false"),
        Resolved::Known(false)
    );
    assert_eq!(trace("    httpApi: true"), Resolved::Known(false));
    assert_eq!(trace("    restApi: ${env:LOGS}"), Resolved::Unknown);
}
