#!/usr/bin/env python3
"""Compare `gatelint routes` with the SAM translator on real SAM templates.

For every template under the corpus folder (default ../shared/corpus/real-sam) that declares the
SAM transform, local `AWS::Include` snippets are expanded as CloudFormation expands them (a
whole value, beside other keys, or template-level), the result is translated with
aws-sam-translator (offline: no parameters given, so defaults apply; region us-east-1), and the
routes of every API in the translated template (REST and HTTP `Body` paths, plain
`AWS::ApiGateway::Method` and `AWS::ApiGatewayV2::Route` resources) are compared with
`gatelint routes --format json` on the original template. Prints one line per API that
disagrees and a summary; exits 1 when an API disagrees that `--known` does not list.

Usage: python3 tests/translator_audit/real_sam.py [--gatelint PATH] [--corpus DIR] [-v]
Needs: python3 with aws-sam-translator (pip install aws-sam-translator); no network.
"""
import argparse
import copy
import datetime
import json
import os
import subprocess
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SAM = "AWS::Serverless-2016-10-31"
EXTENSIONS = ["Fn::ForEach", "Fn::Length", "Fn::ToJsonString", "DefaultValue"]


class Loader:
    """The managed-policy loader the translator asks for; offline, it knows none."""

    def load(self, *args, **kwargs):
        return {}

    def get_managed_policy_map(self):
        return {}


def include_location(node):
    """The Location of an AWS::Include call standing for a whole value, or None."""
    if not isinstance(node, dict) or len(node) != 1 or "Fn::Transform" not in node:
        return None
    call = node["Fn::Transform"]
    if isinstance(call, list) and len(call) == 1:
        call = call[0]
    if isinstance(call, dict) and call.get("Name") == "AWS::Include":
        return (call.get("Parameters") or {}).get("Location")
    return None


def calls_beside(node):
    if not isinstance(node, dict) or len(node) < 2 or "Fn::Transform" not in node:
        return []
    calls = node["Fn::Transform"]
    calls = calls if isinstance(calls, list) else [calls]
    return [c for c in calls if isinstance(c, dict) and c.get("Name") == "AWS::Include"]


class Unexpandable(Exception):
    pass


def read_snippet(location, base):
    if not isinstance(location, str) or "://" in location:
        raise Unexpandable(f"include from {location!r}")
    path = os.path.normpath(os.path.join(base, location))
    if not os.path.exists(path):
        raise Unexpandable(f"include {location!r} not in the corpus")
    with open(path, encoding="utf-8-sig") as f:
        return yaml_parse(f.read())


def expand(node, base):
    """`node` with its local includes replaced by their snippets (snippets are not expanded
    again: CloudFormation does not follow an include inside a snippet)."""
    location = include_location(node)
    if location is not None:
        return read_snippet(location, base)
    if isinstance(node, dict):
        out = {}
        for call in calls_beside(node):
            snippet = read_snippet((call.get("Parameters") or {}).get("Location"), base)
            if isinstance(snippet, dict):
                out.update(snippet)
        for key, value in node.items():
            if key == "Fn::Transform" and calls_beside(node):
                continue
            out[key] = expand(value, base)
        return out
    if isinstance(node, list):
        return [expand(item, base) for item in node]
    return node


def template_level(template, base):
    transforms = template.get("Transform")
    listed = transforms if isinstance(transforms, list) else [transforms]
    kept = []
    for t in listed:
        if isinstance(t, dict) and t.get("Name") == "AWS::Include":
            snippet = read_snippet((t.get("Parameters") or {}).get("Location"), base)
            for section, entries in (snippet or {}).items():
                if isinstance(entries, dict):
                    template.setdefault(section, {}).update(entries)
        elif t is not None:
            kept.append(t)
    if isinstance(transforms, list):
        template["Transform"] = kept
    return template


def operation_open(operation, root_security):
    """Whether the translated operation lets callers in without credentials: True, False, or
    None when that depends on a condition or is no route anyone calls (a mock preflight)."""
    if not isinstance(operation, dict):
        return None
    integration = operation.get("x-amazon-apigateway-integration")
    if isinstance(integration, dict) and integration.get("type") == "mock":
        return None
    auth = operation.get("x-amazon-apigateway-auth")
    if isinstance(auth, dict) and isinstance(auth.get("type"), str):
        return auth["type"].upper() == "NONE"
    security = operation.get("security", root_security)
    if security is None:
        return True
    if not isinstance(security, list):
        return None
    for requirement in security:
        if not isinstance(requirement, dict):
            return None
        names = [n for n in requirement if n != "NONE"]
        if not names:
            return True
    return False


def body_routes(body, out, http, opens=None):
    """(METHOD, path) of each operation of an OpenAPI body (both branches of an Fn::If), and in
    `opens` whether each is open (see `operation_open`)."""
    if isinstance(body, dict) and "Fn::If" in body and isinstance(body["Fn::If"], list):
        for branch in body["Fn::If"][1:]:
            body_routes(branch, out, http, None)
        return
    if not isinstance(body, dict) or not isinstance(body.get("paths"), dict):
        return
    root_security = body.get("security")
    for path, item in body["paths"].items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            low = key.lower()
            if low == "x-amazon-apigateway-any-method":
                route = ("ANY", path)
            elif low in METHODS:
                route = (low.upper(), path)
            else:
                continue
            out.add(route)
            if opens is not None:
                opens[route] = operation_open(operation, root_security)


def ref(node):
    if isinstance(node, dict):
        if "Ref" in node:
            return node["Ref"]
        if "Fn::GetAtt" in node:
            v = node["Fn::GetAtt"]
            return v[0] if isinstance(v, list) else str(v).split(".")[0]
    return None


def resource_path(resources, rid, api):
    """The path of an AWS::ApiGateway::Resource, '/' for the root, None when unknown."""
    parts = []
    seen = 0
    while True:
        if isinstance(rid, dict) and "Fn::GetAtt" in rid:
            return "/" + "/".join(reversed(parts))
        rid = ref(rid) if isinstance(rid, dict) else rid
        res = resources.get(rid) if isinstance(rid, str) else None
        if not res or res.get("Type") != "AWS::ApiGateway::Resource":
            return None
        props = res.get("Properties", {})
        part = props.get("PathPart")
        parts.append(part if isinstance(part, str) else "{?}")
        rid = props.get("ParentId")
        seen += 1
        if seen > 50:
            return None


def translator_routes(output):
    """{api logical id: (kind, set of (METHOD, path), hidden)} of the translated template."""
    resources = output.get("Resources", {})
    apis = {}
    for rid, res in resources.items():
        kind = res.get("Type")
        props = res.get("Properties", {}) or {}
        if kind == "AWS::ApiGateway::RestApi":
            routes, opens = set(), {}
            body_routes(props.get("Body"), routes, False, opens)
            hidden = "BodyS3Location" in props or (
                "Body" in props and not isinstance(props.get("Body"), dict)
            )
            apis[rid] = ["REST", routes, hidden, opens]
        elif kind == "AWS::ApiGatewayV2::Api":
            routes, opens = set(), {}
            body_routes(props.get("Body"), routes, True, opens)
            hidden = "BodyS3Location" in props
            if props.get("Target"):
                routes.add(("ANY", "$default"))
                opens[("ANY", "$default")] = True
            apis[rid] = ["HTTP" if props.get("ProtocolType") != "WEBSOCKET" else "WS", routes, hidden, opens]
    for rid, res in resources.items():
        kind = res.get("Type")
        props = res.get("Properties", {}) or {}
        if kind == "AWS::ApiGateway::Method":
            api = ref(props.get("RestApiId"))
            if api in apis:
                path = resource_path(resources, props.get("ResourceId"), api)
                method = props.get("HttpMethod")
                if isinstance(method, str):
                    route = (method.upper(), path or "?")
                    apis[api][1].add(route)
                    kind_ = props.get("AuthorizationType", "NONE")
                    key = props.get("ApiKeyRequired")
                    integration = props.get("Integration") or {}
                    if isinstance(integration, dict) and integration.get("Type") == "MOCK" and route[0] == "OPTIONS":
                        apis[api][3][route] = None
                    elif isinstance(kind_, str) and key not in (True, "true"):
                        apis[api][3][route] = kind_.upper() == "NONE"
                    else:
                        apis[api][3][route] = None
        elif kind == "AWS::ApiGatewayV2::Route":
            api = ref(props.get("ApiId"))
            key = props.get("RouteKey")
            if api in apis and isinstance(key, str):
                if " " in key:
                    m, p = key.split(" ", 1)
                    route = ("ANY" if m == "ANY" else m.upper(), p)
                else:
                    route = ("ANY" if apis[api][0] == "HTTP" else "-", key)
                apis[api][1].add(route)
                kind_ = props.get("AuthorizationType", "NONE")
                # A WebSocket route other than $connect is called on an open connection.
                if apis[api][0] == "WS" and key != "$connect":
                    apis[api][3][route] = None
                elif isinstance(kind_, str) and props.get("ApiKeyRequired") not in (True, "true"):
                    apis[api][3][route] = kind_.upper() == "NONE"
                else:
                    apis[api][3][route] = None
    return apis


def gatelint_routes(gatelint, path):
    run = subprocess.run(
        [gatelint, "routes", "--format", "json", "--no-config", path],
        capture_output=True,
        text=True,
    )
    apis = {}
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError:
        return None, run.stderr.strip()
    for row in doc.get("routes", []):
        if os.path.basename(row["location"]["path"]) and row["kind"] == "function URL":
            continue
        api = apis.setdefault(row["api"], [row["kind"], set(), False, {}])
        if row["method"] == "-":
            api[2] = True
        else:
            # A route key has no method: `$default` of an HTTP API is any method.
            method = row["method"] or ("ANY" if row["kind"] == "HTTP" else "-")
            api[1].add((method, row["path"]))
            api[3][(method, row["path"])] = row["public"]
    return apis, run.stderr.strip()


def plain(node):
    """YAML dates and times as the strings CloudFormation reads them as."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def local(uri):
    return isinstance(uri, str) and "://" not in uri


def package(template, base, uploaded):
    """What `sam package` does before the translator sees the template, offline: local code
    and layer locations become S3 URIs, a local state machine definition an S3 object, and a
    local API `DefinitionUri` is inlined as its `DefinitionBody` (gatelint reads the file; the
    translator would read the S3 copy of the same file). Nested applications are dropped: the
    translator would ask the Serverless Application Repository for them, and they hold no
    API of this template."""
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return template
    for rid in [r for r, v in resources.items() if isinstance(v, dict) and v.get("Type") == "AWS::Serverless::Application"]:
        del resources[rid]
    functions = (template.get("Globals") or {}).get("Function")
    if isinstance(functions, dict) and local(functions.get("CodeUri")):
        functions["CodeUri"] = "s3://bucket/code.zip"
    for rid, res in resources.items():
        if not isinstance(res, dict):
            continue
        props = res.get("Properties")
        if not isinstance(props, dict):
            continue
        kind = res.get("Type")
        if kind == "AWS::Serverless::Function":
            # `sam build` takes the template's directory for a function without code.
            image = props.get("PackageType") == "Image" or "ImageUri" in props
            if local(props.get("CodeUri")) or (
                "CodeUri" not in props and "InlineCode" not in props and not image
                and not (isinstance(functions, dict) and "CodeUri" in functions)
            ):
                props["CodeUri"] = "s3://bucket/code.zip"
        elif kind == "AWS::Serverless::LayerVersion" and local(props.get("ContentUri")):
            props["ContentUri"] = "s3://bucket/layer.zip"
        elif kind == "AWS::Serverless::StateMachine" and local(props.get("DefinitionUri")):
            props["DefinitionUri"] = {"Bucket": "bucket", "Key": "machine.json"}
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi") and local(
            props.get("DefinitionUri")
        ):
            uploaded[rid] = os.path.normpath(os.path.join(base, props["DefinitionUri"]))
            props["DefinitionUri"] = {"Bucket": "bucket", "Key": "api.yaml"}
    return template


def declares_sam(template):
    t = template.get("Transform")
    listed = t if isinstance(t, list) else [t]
    return SAM in listed


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatelint", default=os.path.join(root, "target/debug/gatelint"))
    parser.add_argument("--corpus", default=os.path.join(root, "../shared/corpus/real-sam"))
    parser.add_argument("--known", default=os.path.join(here, "known.tsv"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    known = {}
    if os.path.exists(args.known):
        for line in open(args.known, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                file, api, why = line.rstrip("\n").split("\t", 2)
                known[(file, api)] = why
    counts = {"apis": 0, "routes": 0, "open": 0, "protected": 0, "agree": 0, "hidden": 0, "known": 0, "disagree": 0, "rejected": 0, "unexpandable": 0}
    unexplained = 0
    for dirpath, _, files in sorted(os.walk(args.corpus)):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml", ".json", ".template")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, args.corpus)
            try:
                with open(path, encoding="utf-8-sig") as f:
                    template = yaml_parse(f.read())
            except Exception:
                continue
            if not isinstance(template, dict) or not declares_sam(template):
                continue
            transforms = template.get("Transform")
            if "AWS::LanguageExtensions" in (transforms if isinstance(transforms, list) else [transforms]):
                # Without its functions the transform changes nothing; with them, the script
                # cannot run it.
                used = [f for f in EXTENSIONS if f in json.dumps(template, default=str)]
                if used:
                    counts["unexpandable"] += 1
                    print(f"{rel}: not compared: the script does not run AWS::LanguageExtensions ({', '.join(used)})")
                    continue
                template["Transform"] = [t for t in transforms if t != "AWS::LanguageExtensions"]
            base = os.path.dirname(path)
            try:
                uploaded = {}
                expanded = plain(
                    package(expand(template_level(copy.deepcopy(template), base), base), base, uploaded)
                )
            except Unexpandable as why:
                counts["unexpandable"] += 1
                print(f"{rel}: not compared: {why}")
                continue
            if not expanded.get("Resources"):
                continue
            try:
                output = transform(expanded, {}, Loader())
            except Exception as error:  # the translator's rejection
                counts["rejected"] += 1
                check = subprocess.run(
                    [args.gatelint, "check", "--format", "concise", "--no-config", path],
                    capture_output=True,
                    text=True,
                )
                ours = [l for l in check.stdout.splitlines() if "error[input-error]" in l]
                said = f"gatelint: {ours[0].split('input-error] ', 1)[-1][:160]}" if ours else "gatelint: no input error"
                print(f"{rel}: the translator rejects it: {str(error)[:240]} | {said}")
                continue
            theirs = translator_routes(output)
            for api, file in uploaded.items():
                # The body the translator's BodyS3Location names: the local file, uploaded.
                if api in theirs and os.path.exists(file):
                    with open(file, encoding="utf-8-sig") as f:
                        body_routes(plain(yaml_parse(f.read())), theirs[api][1], False, theirs[api][3])
                    theirs[api][2] = False
            mine, stderr = gatelint_routes(args.gatelint, path)
            if mine is None:
                print(f"{rel}: gatelint printed no inventory: {stderr[:200]}")
                unexplained += 1
                continue
            for api, (kind, routes, hidden, opens) in sorted(theirs.items()):
                counts["apis"] += 1
                g = mine.get(api)
                if g is None and not routes and not hidden:
                    # `routes` lists routes: an API without any has no row.
                    counts["agree"] += 1
                    continue
                if g is None:
                    verdict = f"gatelint has no API {api} ({kind}, {len(routes)} routes)"
                elif hidden or g[2]:
                    counts["hidden"] += 1
                    if args.verbose:
                        print(f"{rel}: {api}: not visible (translator {hidden}, gatelint {g[2]})")
                    continue
                elif routes == g[1]:
                    # The same routes: are the same ones open? (Only where the translator's
                    # answer is unconditional; gatelint counts a route open in any branch.)
                    differ = sorted(
                        f"{m} {p}: translator {'open' if opens[(m, p)] else 'protected'}, gatelint {'open' if g[3].get((m, p)) else 'protected'}"
                        for (m, p) in routes
                        if opens.get((m, p)) is not None and opens[(m, p)] != g[3].get((m, p))
                    )
                    if not differ:
                        counts["agree"] += 1
                        counts["routes"] += len(routes)
                        counts["open"] += sum(1 for r in routes if opens.get(r))
                        counts["protected"] += sum(1 for r in routes if opens.get(r) is False)
                        continue
                    verdict = "; ".join(differ)
                else:
                    only_t = sorted(routes - g[1])
                    only_g = sorted(g[1] - routes)
                    verdict = f"translator only {only_t}; gatelint only {only_g}"
                why = known.get((rel, api))
                if why:
                    counts["known"] += 1
                    if args.verbose:
                        print(f"{rel}: {api}: known: {why}")
                else:
                    counts["disagree"] += 1
                    unexplained += 1
                    print(f"{rel}: {api}: {verdict}")
    print(json.dumps(counts))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
