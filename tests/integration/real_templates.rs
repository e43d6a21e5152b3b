//! Whole templates as real repositories write them, each a folder under `fixtures/templates/`
//! with the files it includes: `gatelint check` on the folder (human output, as a user sees it)
//! and `gatelint routes` on its `template.yaml` are snapshotted, with the exit code. Run on the
//! folder, so an included file is read through its template and not linted again on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;
use std::process::Command;

fn templates() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates")
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(templates())
        .output()
        .unwrap();
    format!(
        "exit code: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn every_template_folder_as_check_and_routes_see_it() {
    let mut folders: Vec<String> = fs::read_dir(templates())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert!(folders.len() >= 3, "{folders:?}");
    for folder in folders {
        let check = run(&["check", &folder]);
        insta::assert_snapshot!(format!("{folder}__check"), check);
        let routes = run(&["routes", &format!("{folder}/template.yaml")]);
        insta::assert_snapshot!(format!("{folder}__routes"), routes);
    }
}

#[test]
fn an_included_body_is_lowered_as_if_inline() {
    let check = run(&["check", "--format", "concise", "sam-include"]);
    // The DefaultAuthorizer of PetApi protects the route its included body declares.
    assert!(!check.contains("GET /pets on PetApi"), "{check}");
    // StatusApi has no Auth: its route is open, reported in the included file...
    assert!(
        check.contains(
            "sam-include/status.yaml:7:5: error[unauthenticated-route] GET /status on StatusApi"
        ),
        "{check}"
    );
    // ...where a suppression comment applies.
    assert!(!check.contains("GET /health"), "{check}");
    // Not linted a second time on their own.
    assert!(!check.contains("on status"), "{check}");
    assert!(!check.contains("input-error"), "{check}");
}

#[test]
fn a_body_chosen_by_fn_if_gives_conditional_routes() {
    let check = run(&["check", "--format", "concise", "cfn-include-if"]);
    assert!(
        check.contains("GET /orders on Api can be called without credentials when IsProd is false"),
        "{check}"
    );
    let routes = run(&["routes", "cfn-include-if/template.yaml"]);
    assert!(
        routes.contains("IAM (SigV4) sigv4 when IsProd is true"),
        "{routes}"
    );
}

#[test]
fn bodies_that_cannot_be_seen_are_coverage_notes_not_errors() {
    let check = run(&["check", "--format", "concise", "-q", "not-visible"]);
    // Coverage notes do not fail the run (nor does anything else here).
    assert!(check.starts_with("exit code: 0"), "{check}");
    assert!(!check.contains("input-error"), "{check}");
    for (line, api) in [
        (32, "FromS3"),
        (41, "Computed"),
        (49, "Outside"),
        (56, "Plain"),
    ] {
        assert!(
            check.contains(&format!("not-visible/template.yaml:{line}:"))
                && check.contains(&format!("note[not-visible] routes of {api} not visible")),
            "{api}: {check}"
        );
    }
    let routes = run(&["routes", "not-visible/template.yaml"]);
    assert!(
        routes.contains(
            "0 routes, 0 callable without credentials, 4 APIs whose routes are not visible"
        ),
        "{routes}"
    );
}

#[test]
fn for_each_loops_are_expanded_and_checked_where_their_body_is() {
    let check = run(&["check", "--format", "concise", "foreach"]);
    assert!(!check.contains("input-error"), "{check}");
    // Open routes that only exist once the loops are expanded, at the loop's body.
    for (line, route) in [
        (37, "GET /orders on the implicit API ServerlessRestApi"),
        (37, "GET /invoices on the implicit API ServerlessRestApi"),
        // Fn::FindInMap with a DefaultValue: NONE for the key the map lacks.
        (110, "GET /dev on LegacyApi"),
    ] {
        assert!(
            check.contains(&format!("foreach/template.yaml:{line}:"))
                && check.contains(&format!("error[unauthenticated-route] {route}")),
            "{route}: {check}"
        );
    }
    // Protected by IAM: from a CommaDelimitedList default, from the API's DefaultAuthorizer
    // (nested loops in Events), and from the map.
    for route in [
        "/billing",
        "/ledger",
        "/Book/items",
        "/Film/items/{id}",
        "GET /prod ",
    ] {
        assert!(!check.contains(&format!("{route} on")), "{route}: {check}");
    }
    // Suppressed by a comment and by Metadata written in the loop's body, for every copy.
    assert!(!check.contains("/hooks/"), "{check}");
    assert!(!check.contains("/health/"), "{check}");
    assert!(!check.contains("unused-suppression"), "{check}");
    let routes = run(&["routes", "foreach/template.yaml"]);
    assert!(
        routes.contains("DELETE  /Film/items/{id}  IAM (SigV4)"),
        "{routes}"
    );
    assert!(
        routes.contains("18 routes, 7 callable without credentials"),
        "{routes}"
    );
}

#[test]
fn for_each_loops_that_cannot_be_expanded_are_noted_or_rejected() {
    let check = run(&["check", "--format", "concise", "not-expanded"]);
    assert!(!check.contains("input-error"), "{check}");
    for line in [15, 30] {
        assert!(
            check.contains(&format!(
                "not-expanded/template.yaml:{line}:3: note[not-visible] what the loop"
            )),
            "{line}: {check}"
        );
    }
    assert!(!check.contains("Fn::ForEach::Buckets"), "{check}");
    let invalid = run(&["check", "--format", "concise", "foreach-invalid"]);
    assert!(invalid.starts_with("exit code: 2"), "{invalid}");
    for (line, text) in [
        ("6:3", "needs `Transform: AWS::LanguageExtensions`"),
        (
            "9:7",
            "makes the key `Apiordersv1` (for the item `orders.v1`) a second time",
        ),
        ("15:5", "takes a list of three"),
    ] {
        assert!(
            invalid.contains(&format!(
                "foreach-invalid/template.yaml:{line}: error[input-error]"
            )) && invalid.contains(text),
            "{text}: {invalid}"
        );
    }
}

#[test]
fn for_each_logical_ids_that_are_not_alphanumeric_are_rejected_or_noted() {
    let check = run(&["check", "--format", "concise", "foreach-logical-ids"]);
    assert!(check.starts_with("exit code: 2\n"), "{check}");
    // Literal items: rejected whatever the parameters, in `Resources` and `Outputs`.
    for (line, id) in [(20, "orders-v1Topic"), (47, "Outa_b")] {
        assert!(
            check.contains(&format!(
                "foreach-logical-ids/template.yaml:{line}:7: error[input-error] the loop"
            )) && check.contains(&format!("makes the logical id `{id}`")),
            "{id}: {check}"
        );
    }
    // `&{Name}` keeps letters and digits only: no error for `ordersv1Queue`.
    assert!(!check.contains("ordersv1"), "{check}");
    assert!(!check.contains("invoicesTopic"), "{check}");
    // From a parameter's default: a deployment may give other items, so a note, and the
    // copy is linted as the default makes it.
    assert!(
        check.contains(
            "foreach-logical-ids/template.yaml:25:7: note[not-visible] the loop `Fn::ForEach::FromDefault` makes `Apiv1.0` from the default of the parameter `Versions`"
        ),
        "{check}"
    );
    assert!(
        check.contains("error[unauthenticated-route] GET /v1.0/status"),
        "{check}"
    );
}

#[test]
fn an_include_beside_cloudformation_properties_or_their_nested_keys_is_merged() {
    let check = run(&["check", "--format", "concise", "cfn-include-beside-keys"]);
    assert!(!check.contains("input-error"), "{check}");
    // The method's AuthorizationType comes from the snippet: the route needs IAM.
    assert!(!check.contains("unauthenticated-route"), "{check}");
    let routes = run(&["routes", "cfn-include-beside-keys/template.yaml"]);
    assert!(routes.contains("/orders  IAM (SigV4)"), "{routes}");
    // Beside the keys of a stage's AccessLogSetting: merged, the destination is the snippet's.
    assert!(!check.contains("no-access-log"), "{check}");
    // The prod stage has no throttling; the dev stage's method settings may get theirs from a
    // snippet on S3: Unknown, not a finding, and a note where the include is.
    assert!(
        check.contains("warning[no-rate-limit] the stage `prod`"),
        "{check}"
    );
    assert!(!check.contains("the stage `dev`"), "{check}");
    assert!(
        check.contains(
            "cfn-include-beside-keys/template.yaml:61:13: note[not-visible] what `AWS::Include` puts here is not visible: it is included from S3 (`s3://orders-templates/throttle.yaml`)"
        ),
        "{check}"
    );
    assert!(!check.contains("beside other keys"), "{check}");
    // The gateway response's credentials header comes from the snippet beside its origin.
    assert!(
        check.contains(
            "cfn-include-beside-keys/cors-credentials.yaml:1:58: warning[cors-credentials-wildcard] the gateway response UNAUTHORIZED of Api"
        ),
        "{check}"
    );
}

#[test]
fn an_include_beside_http_api_stage_settings_is_merged_or_unknown() {
    let check = run(&["check", "--format", "concise", "cfn-v2-include-beside-keys"]);
    assert!(!check.contains("input-error"), "{check}");
    // The access log destination comes from the snippet beside `AccessLogSettings`.
    assert!(!check.contains("no-access-log"), "{check}");
    // A snippet on S3 beside the route keys of `RouteSettings` may throttle `GET /orders`.
    assert!(!check.contains("no-rate-limit"), "{check}");
    assert!(
        check.contains(
            "cfn-v2-include-beside-keys/template.yaml:35:11: note[not-visible] what `AWS::Include` puts here is not visible: it is included from S3"
        ),
        "{check}"
    );
    let routes = run(&["routes", "cfn-v2-include-beside-keys/template.yaml"]);
    assert!(routes.contains("prod: unknown"), "{routes}");
}

#[test]
fn loops_in_included_snippets_are_expanded_as_if_inline() {
    let check = run(&["check", "--format", "concise", "sam-include-foreach"]);
    assert!(check.starts_with("exit code: 1\n"), "{check}");
    assert!(!check.contains("input-error"), "{check}");
    // One open route per item of the parameter's default, located in the snippet's loop.
    for route in ["GET /orders", "GET /invoices"] {
        assert!(
            check.contains(&format!(
                "sam-include-foreach/functions.yaml:11:11: error[unauthenticated-route] {route} on"
            )),
            "{route}: {check}"
        );
    }
    // A collection only known at deployment is noted where the loop is, in the snippet.
    assert!(
        check.contains(
            "sam-include-foreach/functions.yaml:16:1: note[not-visible] what the loop `Fn::ForEach::Tenants` makes"
        ),
        "{check}"
    );
    let routes = run(&["routes", "sam-include-foreach/template.yaml"]);
    // The events snippet's loop: one IAM route per item.
    for path in ["/admin/users", "/admin/audit"] {
        assert!(
            routes.contains(&format!(
                "GET     {path}  IAM (SigV4)           no       Prod: no    sam-include-foreach/admin-events.yaml:4:5"
            )),
            "{path}: {routes}"
        );
    }
}

#[test]
fn template_level_includes_run_in_the_order_transform_lists_them() {
    let check = run(&[
        "check",
        "--format",
        "concise",
        "sam-include-transform-order",
    ]);
    assert!(check.starts_with("exit code: 2\n"), "{check}");
    // Listed first: its loop is expanded and its SAM APIs lowered, with its Globals.
    for api in ["OrdersApi", "BillingApi"] {
        assert!(
            check.contains(&format!(
                "sam-include-transform-order/first.yaml:11:22: warning[no-rate-limit] the stage `prod` of {api}"
            )),
            "{api}: {check}"
        );
    }
    assert!(!check.contains("`Stage`"), "{check}");
    // Listed last: what only SAM and the language extensions understand is rejected.
    for (at, text) in [
        (
            "late.yaml:1:1",
            "`Globals` comes from an `AWS::Include` listed after",
        ),
        (
            "late.yaml:7:11",
            "`AWS::Serverless::Api` comes from an `AWS::Include` listed after",
        ),
        (
            "late.yaml:10:3",
            "this snippet's `AWS::Include` is listed after `AWS::LanguageExtensions`",
        ),
    ] {
        assert!(
            check.contains(&format!(
                "sam-include-transform-order/{at}: error[input-error] {text}"
            )),
            "{at}: {check}"
        );
    }
    // The late Globals is not applied: LateApi has no DefaultAuthorizer from it (and no
    // route), and the template's event on OrdersApi is protected by the first snippet's.
    let routes = run(&["routes", "sam-include-transform-order/template.yaml"]);
    assert!(
        routes.contains("OrdersApi  REST  GET     /orders  IAM (SigV4)"),
        "{routes}"
    );
}

#[test]
fn includes_deep_inside_values_are_followed_or_noted() {
    let check = run(&["check", "--format", "concise", "sam-include-deep"]);
    assert!(!check.contains("input-error"), "{check}");
    // Authorizers from a file: the DefaultAuthorizer they define protects GET /orders.
    assert!(!check.contains("GET /orders on"), "{check}");
    assert!(!check.contains("missing-authorizer"), "{check}");
    // Globals.Api from a file: its throttling and access log apply.
    assert!(!check.contains("no-rate-limit"), "{check}");
    assert!(!check.contains("no-access-log"), "{check}");
    // An event's properties from a file: its open route is found there.
    assert!(
        check.contains(
            "sam-include-deep/public-event.yaml:7:17: error[unauthenticated-route] GET /orders/public"
        ),
        "{check}"
    );
    // What comes from S3 (the template-level include too) is said where it is.
    for line in [7, 19, 59] {
        assert!(
            check.contains(&format!("sam-include-deep/template.yaml:{line}:")),
            "{line}: {check}"
        );
    }
    assert_eq!(check.matches("note[not-visible]").count(), 3, "{check}");
}

#[test]
fn auth_includes_that_cannot_be_seen_are_unknown_not_errors_nor_open() {
    for (folder, notes) in [
        (
            "sam-include-auth-unseen",
            [18, 23, 28, 40, 50, 76].as_slice(),
        ),
        ("sam-include-http-auth-unseen", [17, 28, 37, 61].as_slice()),
    ] {
        let check = run(&["check", "--format", "concise", folder]);
        assert!(check.starts_with("exit code: 1\n"), "{check}");
        assert!(!check.contains("input-error"), "{check}");
        // A route naming an authorizer that may be in the unseen snippet, the API's default
        // naming one, an event whose Auth is unseen, an API whose whole Auth is unseen.
        assert!(!check.contains("missing-authorizer"), "{check}");
        assert!(!check.contains("unauthenticated-route"), "{check}");
        // Each unseen include is said where it is.
        for line in notes {
            assert!(
                check.contains(&format!("{folder}/template.yaml:{line}:")),
                "{line}: {check}"
            );
        }
        assert_eq!(
            check.matches("note[not-visible]").count(),
            notes.len(),
            "{check}"
        );
        let routes = run(&["routes", &format!("{folder}/template.yaml")]);
        assert!(
            routes.contains("4 routes, 0 callable without credentials"),
            "{routes}"
        );
    }
    // A usage plan in an unseen include may throttle the stage it is for.
    let check = run(&["check", "--format", "concise", "sam-include-auth-unseen"]);
    assert!(
        !check.contains("no-rate-limit] the stage `prod` of OrdersApi"),
        "{check}"
    );
}

#[test]
fn a_default_authorizer_given_by_a_parameter_is_named_not_judged() {
    let check = run(&[
        "check",
        "--format",
        "concise",
        "sam-default-authorizer-parameter",
    ]);
    assert!(
        check.contains(
            "template.yaml:21:33: note[not-visible] whether 2 routes of OrdersApi need credentials \
             is decided at deployment: its DefaultAuthorizer is the parameter `AuthorizerName`"
        ),
        "{check}"
    );
    // The translator resolves a REST API's `Auth`: not an input error.
    assert!(!check.contains("input-error"), "{check}");
    // Not open, and the authorizers it may choose are not unused.
    assert!(!check.contains("unauthenticated-route"), "{check}");
    assert!(!check.contains("unused-authorizer"), "{check}");
    let routes = run(&["routes", "sam-default-authorizer-parameter/template.yaml"]);
    assert!(
        routes.contains("unknown (the parameter `AuthorizerName`, given at deployment)"),
        "{routes}"
    );
    // The API key requirement is independent of the authorizer (required by the API, opted out
    // of by one event), and an HTTP API has no API keys at all.
    insta::assert_snapshot!(routes);
}

#[test]
fn a_template_level_include_merges_its_sections_into_the_template() {
    let check = run(&["check", "--format", "concise", "sam-include-template-level"]);
    assert!(check.starts_with("exit code: 1\n"), "{check}");
    // Not an input error: the snippet is read with the template, not on its own.
    assert!(!check.contains("input-error"), "{check}");
    // The snippet's API, with its inline definition's open route found in the snippet...
    assert!(
        check.contains(
            "sam-include-template-level/apis.yaml:36:13: error[unauthenticated-route] GET /status on StatusApi"
        ),
        "{check}"
    );
    // ...where its suppression comment applies.
    assert!(!check.contains("/health"), "{check}");
    // The template's events join the snippet's API, whose DefaultAuthorizer protects them.
    assert!(!check.contains("GET /orders"), "{check}");
    assert!(
        check.contains(
            "template.yaml:38:27: error[unauthenticated-route] GET /catalog on OrdersApi"
        ),
        "{check}"
    );
    // The snippet's Globals apply: no extra `Stage` stage, throttling and access logs.
    for rule in ["no-rate-limit", "no-access-log"] {
        assert!(!check.contains(rule), "{rule}: {check}");
    }
    // The template-level include from S3 is said where it is.
    assert!(
        check.contains("sam-include-template-level/template.yaml:11:5: note[not-visible]"),
        "{check}"
    );
    let routes = run(&["routes", "sam-include-template-level/template.yaml"]);
    // The stage is named from the snippet's Mappings.
    assert!(routes.contains("live: yes"), "{routes}");
    assert!(
        routes.contains("4 routes, 3 callable without credentials"),
        "{routes}"
    );
}

#[test]
fn an_include_beside_other_keys_is_merged_or_makes_the_mapping_unknown() {
    let check = run(&["check", "--format", "concise", "sam-include-beside-keys"]);
    assert!(!check.contains("input-error"), "{check}");
    // Merged into `Resources`, and as a resource's `Properties` (beside its `Type`): the
    // snippets' APIs are linted, located in the snippets.
    for found in [
        "sam-include-beside-keys/apis.yaml:10:11: error[unauthenticated-route] GET /orders on OrdersApi",
        "sam-include-beside-keys/ping-api.yaml:8:9: error[unauthenticated-route] GET /ping on PingApi",
        // Beside a function's other events: the snippet's event is one more.
        "sam-include-beside-keys/more-events.yaml:1:1: error[unauthenticated-route] GET /pong on the implicit API",
    ] {
        assert!(check.contains(found), "{found}: {check}");
    }
    // Beside an API's properties: the snippet's Auth, MethodSettings and AccessLogSetting
    // apply; the list form in Globals sets OpenApiVersion (no extra `Stage` stage anywhere).
    assert!(!check.contains("StatusApi"), "{check}");
    assert!(!check.contains("`Stage`"), "{check}");
    // A snippet in S3 beside the properties: what it may set is Unknown, not a finding, and
    // it is said where it is.
    assert!(
        !check.contains("warning[no-access-log] the stage `live` of HealthApi"),
        "{check}"
    );
    assert!(
        !check.contains("warning[no-rate-limit] the stage `live` of HealthApi"),
        "{check}"
    );
    assert!(
        check.contains(
            "sam-include-beside-keys/template.yaml:59:9: note[not-visible] what `AWS::Include` puts here is not visible: it is included from S3"
        ),
        "{check}"
    );
    // Beside the keys of a definition: merged into the OpenAPI document, its route found in
    // the snippet.
    assert!(
        check.contains(
            "sam-include-beside-keys/docs-paths.yaml:3:5: error[unauthenticated-route] GET /docs on DocsApi"
        ),
        "{check}"
    );
    assert!(!check.contains("routes of DocsApi not visible"), "{check}");
    // The included files are read through the template, not linted on their own.
    assert!(!check.contains("status-settings.yaml"), "{check}");
    let routes = run(&["routes", "sam-include-beside-keys/template.yaml"]);
    assert!(
        routes.lines().any(|line| line.starts_with("StatusApi")
            && line.contains("/status")
            && line.contains("IAM (SigV4)")),
        "{routes}"
    );
}

#[test]
fn an_include_gatelint_does_not_merge_or_follow_is_said_where_it_is() {
    let check = run(&["check", "--format", "concise", "sam-include-nested"]);
    assert!(!check.contains("input-error"), "{check}");
    for found in [
        // Standing for the `paths` of an inline definition, from S3: not visible.
        "sam-include-nested/template.yaml:17:11: note[not-visible] routes of PathsApi not visible: the definition has an `AWS::Include` inside it that is not visible: it is included from S3 (`s3://api-definitions/paths.yaml`)",
        // Inside the snippet that is the definition: not followed, never a partial definition.
        "sam-include-nested/outer-definition.yaml:8:5: note[not-visible] routes of OuterApi not visible: the definition has an `AWS::Include` inside it",
        // Inside a snippet read into a definition (its `paths`): likewise.
        "sam-include-nested/merged-paths.yaml:5:3: note[not-visible] routes of MergedApi not visible: the definition has an `AWS::Include` inside it that is not visible: it is included by an include inside an included snippet",
        // Inside a snippet of settings: not followed, and what it may set is Unknown.
        "sam-include-nested/settings.yaml:4:3: note[not-visible] what `AWS::Include` puts here is not visible: it is included by an include inside an included snippet",
    ] {
        assert!(check.contains(found), "{found}: {check}");
    }
    // The hidden settings snippet may set the access log and throttling: no definite finding.
    assert!(
        !check.contains("of SettingsApi keeps no access log"),
        "{check}"
    );
    assert!(
        !check.contains("of SettingsApi has no rate limit"),
        "{check}"
    );
    // The open route of the partial definition is not reported as if the definition were whole.
    assert!(!check.contains("GET /open"), "{check}");
    let routes = run(&["routes", "sam-include-nested/template.yaml"]);
    assert!(
        routes.contains(
            "0 routes, 0 callable without credentials, 4 APIs whose routes are not visible"
        ),
        "{routes}"
    );
}

#[test]
fn an_include_inside_a_definition_is_read_as_if_inline() {
    let check = run(&["check", "--format", "concise", "sam-include-in-definition"]);
    assert!(!check.contains("input-error"), "{check}");
    // Beside the definition's keys, and standing for one path item: SAM's DefaultAuthorizer
    // (and ApiKeyRequired) protect the included routes.
    assert!(!check.contains("on OrdersApi"), "{check}");
    assert!(!check.contains("on PetsApi"), "{check}");
    for found in [
        // `paths` as a snippet without Auth: open, found in the snippet...
        "sam-include-in-definition/status-paths.yaml:2:3: error[unauthenticated-route] GET /status on StatusApi",
        // ...an operation's `security` as a snippet that switches authentication off.
        "sam-include-in-definition/no-security.yaml:1:1: error[unauthenticated-route] GET /public on TokenApi",
        // An include from S3 inside the definition: its routes are not visible, said there.
        "sam-include-in-definition/template.yaml:142:13: note[not-visible] routes of HiddenApi not visible: the definition has an `AWS::Include` inside it that is not visible: it is included from S3",
    ] {
        assert!(check.contains(found), "{found}: {check}");
    }
    // The suppression comment and the `x-gatelint-ignore` written in the snippet apply; the
    // scheme defined in the included `components` is the one the inline operation uses.
    assert!(!check.contains("GET /health"), "{check}");
    assert!(!check.contains("GET /metrics"), "{check}");
    assert!(!check.contains("unused-suppression"), "{check}");
    assert!(!check.contains("missing-authorizer"), "{check}");
    assert!(!check.contains("GET /open"), "{check}");
    let routes = run(&["routes", "sam-include-in-definition/template.yaml"]);
    // Each route with its API key requirement and where it is declared.
    for (route, api_key, at) in [
        (
            "OrdersApi  REST  POST     /orders    IAM (SigV4)",
            " no ",
            "orders-paths.yaml:6:5",
        ),
        (
            "PetsApi    REST  GET      /pets      IAM (SigV4)",
            " required ",
            "pets-item.yaml:1:1",
        ),
        (
            "PetsApi    REST  OPTIONS  /pets      IAM (SigV4)",
            " required ",
            "template.yaml:63:7",
        ),
        // The operation's integration is a snippet: SAM edits it like any integrated one.
        (
            "PetsApi    REST  GET      /toys      IAM (SigV4)",
            " required ",
            "template.yaml:82:13",
        ),
        // A security requirement that is a snippet: SAM keeps the authorizer it names.
        (
            "PetsApi    REST  GET      /partners  Lambda TOKEN authorizer Partners",
            " required ",
            "template.yaml:89:13",
        ),
        (
            "ChatApi    HTTP  GET      /messages  JWT authorizer Users",
            " no ",
            "chat-paths.yaml:2:3",
        ),
        (
            "TokenApi   REST  GET      /token     Lambda TOKEN authorizer TokenAuth",
            " no ",
            "template.yaml:113:13",
        ),
    ] {
        assert!(
            routes
                .lines()
                .any(|l| l.starts_with(route) && l.contains(api_key) && l.ends_with(at)),
            "{route} … {at}: {routes}"
        );
    }
}

#[test]
fn an_include_inside_a_cloudformation_body_is_read_as_if_inline() {
    let check = run(&["check", "--format", "concise", "cfn-include-in-body"]);
    // The route of the included path item uses the scheme merged in beside the body's keys.
    assert!(!check.contains("GET /orders"), "{check}");
    for found in [
        "cfn-include-in-body/template.yaml:25:13: error[unauthenticated-route] GET /open on OrdersApi",
        "cfn-include-in-body/chat-paths.yaml:10:3: error[unauthenticated-route] GET /status on ChatApi",
    ] {
        assert!(check.contains(found), "{found}: {check}");
    }
    let routes = run(&["routes", "cfn-include-in-body/template.yaml"]);
    for line in [
        "ChatApi    HTTP  GET     /messages  JWT authorizer jwt",
        "OrdersApi  REST  GET     /orders    IAM (SigV4) sigv4",
    ] {
        assert!(routes.contains(line), "{line}: {routes}");
    }
}

#[test]
fn an_include_as_a_list_item_is_that_item_and_an_unseen_one_is_unknown_alone() {
    let check = run(&["check", "--format", "concise", "cfn-include-list-items"]);
    assert!(!check.contains("input-error"), "{check}");
    // The included statement lets everyone in: the finding is in the snippet.
    assert!(
        check.contains(
            "cfn-include-list-items/allow-everyone.yaml:2:12: warning[open-resource-policy] the resource policy of Api"
        ),
        "{check}"
    );
    // The included method setting logs full requests and throttles the dev stage.
    assert!(
        check.contains(
            "cfn-include-list-items/trace-all.yaml:3:19: warning[execution-log-data-trace] the stage `dev`"
        ),
        "{check}"
    );
    // The included API stage attaches the throttling plan to prod.
    assert!(!check.contains("no-rate-limit"), "{check}");
    // Shared's unseen statement may be a Deny that narrows its Allow to everyone: no finding,
    // only the note at the include.
    assert!(!check.contains("of Shared"), "{check}");
    assert!(
        check.contains(
            "cfn-include-list-items/template.yaml:77:13: note[not-visible] what `AWS::Include` puts here is not visible"
        ),
        "{check}"
    );
    let routes = run(&["routes", "cfn-include-list-items/template.yaml"]);
    assert!(
        routes.contains("dev: yes, prod: usage plan Plan"),
        "{routes}"
    );
}

#[test]
fn an_included_sam_custom_statement_is_that_statement() {
    let check = run(&["check", "--format", "concise", "sam-include-policy-items"]);
    assert!(!check.contains("input-error"), "{check}");
    assert!(
        check.contains(
            "sam-include-policy-items/allow-everyone.yaml:2:12: warning[open-resource-policy] the resource policy of Api"
        ),
        "{check}"
    );
    // The unseen statement beside Partner's Allow may narrow it.
    assert!(!check.contains("of Partner"), "{check}");
    assert!(
        check.contains("sam-include-policy-items/template.yaml:42:15: note[not-visible]"),
        "{check}"
    );
}
