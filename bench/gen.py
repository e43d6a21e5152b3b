#!/usr/bin/env python3
"""Deterministic generator of synthetic benchmark inputs, with an answer key.

For each requested size N it writes, under OUT/<label>/:

  cfn.yaml       a CloudFormation template with N REST methods (AWS::ApiGateway::Method), spread
                 over RestApis of 500 methods, each API with a TOKEN and a Cognito authorizer, a
                 Deployment, a Stage with throttling and access logs, a usage plan, an API key;
                 short-form tags (!Ref, !GetAtt, !Sub, !If, !Equals) mixed with long forms.
  sam.yaml       a SAM template with N functions, each with an Api and an HttpApi event, on
                 explicit APIs with Auth (Lambda and Cognito authorizers, a JWT authorizer), on an
                 API-key-only API, and on the implicit ServerlessRestApi/ServerlessHttpApi.
  openapi.yaml   an OpenAPI 3.0 spec with N operations (Lambda, Cognito, SigV4, OAuth2, API-key,
                 open and mis-wired security, CORS preflights with MOCK integrations).
  openapi.json   the same spec in JSON.
  terraform/main.tf  a Terraform root module with N aws_api_gateway_method resources (each on its
                 own aws_api_gateway_resource) over REST APIs of 500 methods, TOKEN and Cognito
                 authorizers, a deployment with triggers, a stage with access logs and throttling.
  dir/           M = max(1, N // 10) small templates (CloudFormation, SAM and OpenAPI, rotating),
                 about ten items each.
  key.json       the answer key: for every file, every item (method, event or operation) with its
                 class, its line range, its logical id, method, path and JSON pointer.

Classes: `open` (callable without credentials, possibly only when a condition is false),
`api-key-only` (an API key and nothing else), `mis-wired` (asks for an authorizer that does not
resolve), `secure`, `preflight` (an OPTIONS route answered by a MOCK integration); and in
`cfn.yaml`, resources each named by the rule that must flag it (`open-resource-policy`,
`private-api-without-vpc-condition`, `default-endpoint-enabled`, `authorizer-cache-key`,
`execution-log-data-trace`, `weak-cognito-client`, `unauthenticated-identity-pool`,
`cors-credentials-wildcard`, `lambda-permission-without-source-arn`), with `secure` variants (a
policy with a source VPC condition, a private API limited to a VPC endpoint, a domain with the
default endpoint disabled).

The output depends only on N and the seed: the same arguments always write the same bytes.

Two sizes write only part of this, for the memory check on scale: `xl` (N = 85,000) only the
OpenAPI spec (about 50 MB in YAML), and `many` only dir/, 20,000 small templates of about ten
kilobytes each (about 200 MB in all).

Usage: gen.py OUT [--sizes small,medium,large,scale] [--seed 7]
"""

import argparse
import json
import os
import random
import shutil
import sys

SIZES = {
    "small": 10,
    "medium": 1_000,
    "large": 20_000,
    # The linearity check: 1x, 4x and 16x (16x is `large`).
    "x1": 1_250,
    "x4": 5_000,
    # The memory check on scale: one ~50 MB OpenAPI spec, and a ~200 MB directory.
    "xl": 85_000,
    "many": 200_000,
}
# What a size writes, when not everything.
ONLY = {"xl": {"openapi"}, "many": {"dir"}}
# How many items each small file of dir/ holds (cfn, sam, openapi), when not 10, 5 and 10.
DIR_ITEMS = {"many": (14, 7, 14)}
SIZE_GROUPS = {"scale": ["x1", "x4", "large"]}

METHODS_PER_API = 500
REGION_ARN = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions"


class Lines:
    """Text built line by line, so every item knows its line range (1-based, inclusive)."""

    def __init__(self):
        self.lines = []

    def add(self, text=""):
        self.lines.append(text)

    def next_line(self):
        return len(self.lines) + 1

    def last_line(self):
        return len(self.lines)

    def text(self):
        return "\n".join(self.lines) + "\n"


def pick(rng, weighted):
    """One of the keys of `weighted`, by weight; `weighted` is an ordered list of pairs."""
    total = sum(w for _, w in weighted)
    roll = rng.random() * total
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]


def item(cls, lines, **extra):
    entry = {"class": cls, "lines": list(lines)}
    entry.update(extra)
    return entry


# ---------------------------------------------------------------------------------------------
# CloudFormation

CFN_METHOD_KINDS = [
    ("open-none", 9),
    ("open-missing", 3),
    ("open-conditional", 2),
    ("api-key-only", 7),
    ("mis-wired-no-id", 2),
    ("mis-wired-foreign", 2),
    ("iam", 18),
    ("custom", 20),
    ("cognito", 15),
    ("iam-api-key", 5),
    ("custom-api-key", 5),
]
CFN_CLASS = {
    "open-none": "open",
    "open-missing": "open",
    "open-conditional": "open",
    "api-key-only": "api-key-only",
    "mis-wired-no-id": "mis-wired",
    "mis-wired-foreign": "mis-wired",
    "iam": "secure",
    "custom": "secure",
    "cognito": "secure",
    "iam-api-key": "secure",
    "custom-api-key": "secure",
    "preflight": "preflight",
}
HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "ANY"]


# Resources for the rules beyond routes: each `# item <class>` starts an item that runs to the
# next one; its class is the rule that must flag it, or `secure` (no rule may flag it: the
# variants a careful reviewer calls safe). Written once, after the methods of `cfn.yaml`.
CFN_EXTRAS = """
  # item open-resource-policy
  PolicyOpenApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: policy-open
      EndpointConfiguration:
        Types: [REGIONAL]
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
  # item secure
  PolicyVpcApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: policy-vpc
      EndpointConfiguration:
        Types: [REGIONAL]
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
            Condition:
              StringEquals:
                aws:SourceVpc: vpc-0a1b2c3d
  # item private-api-without-vpc-condition
  PrivateOpenApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: private-open
      EndpointConfiguration:
        Types: [PRIVATE]
  # item secure
  PrivateVpceApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: private-vpce
      EndpointConfiguration:
        Types: [PRIVATE]
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
            Condition:
              StringEquals:
                aws:SourceVpce: vpce-0a1b2c3d4e5f67890
  # item default-endpoint-enabled
  DomainApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: domain
      EndpointConfiguration:
        Types: [REGIONAL]
  DomainApiDomain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
      SecurityPolicy: TLS_1_2
      EndpointConfiguration:
        Types: [REGIONAL]
  DomainApiMapping:
    Type: AWS::ApiGateway::BasePathMapping
    Properties:
      DomainName: !Ref DomainApiDomain
      RestApiId: !Ref DomainApi
  # item secure
  ClosedDomainApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: closed-domain
      DisableExecuteApiEndpoint: true
      EndpointConfiguration:
        Types: [REGIONAL]
  ClosedDomainApiDomain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: internal.example.com
      RegionalCertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
      SecurityPolicy: TLS_1_2
      EndpointConfiguration:
        Types: [REGIONAL]
  ClosedDomainApiMapping:
    Type: AWS::ApiGateway::BasePathMapping
    Properties:
      DomainName: !Ref ClosedDomainApiDomain
      RestApiId: !Ref ClosedDomainApi
  # item authorizer-cache-key
  HostKeyedAuth:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref DomainApi
      Name: host-keyed
      Type: REQUEST
      AuthorizerUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthFunctionArn}/invocations"
      AuthorizerResultTtlInSeconds: 300
      IdentitySource: method.request.header.Host
  # item execution-log-data-trace
  TraceStage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref DomainApi
      DeploymentId: abc123
      StageName: trace
      AccessLogSetting:
        DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:trace
        Format: $context.requestId $context.identity.sourceIp $context.status
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: "*"
          LoggingLevel: INFO
          DataTraceEnabled: true
          ThrottlingRateLimit: 100
          ThrottlingBurstLimit: 200
  # item weak-cognito-client
  PasswordClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: eu-west-1_abc
      PreventUserExistenceErrors: ENABLED
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  # item unauthenticated-identity-pool
  GuestIdentities:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: true
  # item cors-credentials-wildcard
  CorsApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: cors
      ProtocolType: HTTP
      CorsConfiguration:
        AllowOrigins: ["*"]
        AllowCredentials: true
  # item lambda-permission-without-source-arn
  AnyApiPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref AuthFunctionArn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
"""


def cfn_extras(out, items):
    """Append CFN_EXTRAS under `Resources:`, recording its items."""
    pending, current = None, None
    for line in CFN_EXTRAS.strip("\n").split("\n"):
        marker = line.strip()
        if marker.startswith("# item "):
            pending, current = marker[len("# item "):], None
            continue
        out.add(line)
        if pending:
            current = item(pending, (out.last_line(), out.last_line()), id=marker.rstrip(":"))
            items.append(current)
            pending = None
        elif current:
            current["lines"][1] = out.last_line()


def cfn_template(n, rng, label, extras=False):
    """A CloudFormation template with `n` methods (and, with `extras`, the resources of
    CFN_EXTRAS); returns (text, items)."""
    out = Lines()
    items = []
    out.add('AWSTemplateFormatVersion: "2010-09-09"')
    out.add(f"Description: gatelint benchmark input {label}, {n} REST methods")
    out.add("Parameters:")
    for name, default in [
        ("StageName", "prod"),
        ("Environment", "prod"),
        ("AuthFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:authorizer"),
        ("BackendFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:backend"),
        ("UserPoolArn", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"),
    ]:
        out.add(f"  {name}:")
        out.add("    Type: String")
        out.add(f"    Default: {default}")
    out.add("Conditions:")
    out.add("  IsProd: !Equals [!Ref Environment, prod]")
    out.add("Resources:")
    apis = max(1, -(-n // METHODS_PER_API))
    made = 0
    for a in range(apis):
        count = min(METHODS_PER_API, n - made)
        made += count
        cfn_api(out, items, rng, a, apis, count)
    if extras:
        cfn_extras(out, items)
    return out.text(), items


def cfn_api(out, items, rng, a, apis, count):
    api = f"Api{a}"
    out.add(f"  {api}:")
    out.add("    Type: AWS::ApiGateway::RestApi")
    out.add("    Properties:")
    out.add(f'      Name: !Sub "${{AWS::StackName}}-{a}"')
    out.add("      EndpointConfiguration:")
    out.add("        Types: [REGIONAL]")
    out.add(f"  {api}TokenAuth:")
    out.add("    Type: AWS::ApiGateway::Authorizer")
    out.add("    Properties:")
    out.add(f"      RestApiId: !Ref {api}")
    out.add("      Name: token")
    out.add("      Type: TOKEN")
    out.add("      IdentitySource: method.request.header.Authorization")
    out.add(f"      AuthorizerUri: !Sub {REGION_ARN}/${{AuthFunctionArn}}/invocations")
    out.add("      AuthorizerResultTtlInSeconds: 300")
    out.add(f"  {api}CognitoAuth:")
    out.add("    Type: AWS::ApiGateway::Authorizer")
    out.add("    Properties:")
    out.add("      RestApiId:")
    out.add(f"        Ref: {api}")
    out.add("      Name: cognito")
    out.add("      Type: COGNITO_USER_POOLS")
    out.add("      IdentitySource: method.request.header.Authorization")
    out.add("      ProviderARNs:")
    out.add("        - !Ref UserPoolArn")
    methods = []
    resource = 0
    while len(methods) < count:
        res = f"{api}R{resource}"
        nested = resource % 3 != 0
        out.add(f"  {res}:")
        out.add("    Type: AWS::ApiGateway::Resource")
        out.add("    Properties:")
        out.add(f"      RestApiId: !Ref {api}")
        if not nested:
            if resource % 2 == 0:
                out.add(f"      ParentId: !GetAtt {api}.RootResourceId")
            else:
                out.add(f"      ParentId: !GetAtt [{api}, RootResourceId]")
            path = f"/res{resource}"
        else:
            out.add(f"      ParentId: !Ref {api}R{resource - 1}")
            path = f"{parent_path}/{{id{resource}}}"
        out.add(f"      PathPart: {path.rsplit('/', 1)[1]}")
        parent_path = path
        verbs = rng.sample(HTTP_METHODS[:5], k=rng.randint(1, 3))
        if rng.random() < 0.3 and len(methods) + len(verbs) < count:
            verbs.append("OPTIONS")
        for verb in verbs:
            if len(methods) >= count:
                break
            kind = "preflight" if verb == "OPTIONS" else pick(rng, CFN_METHOD_KINDS)
            if kind == "mis-wired-foreign" and apis == 1:
                kind = "mis-wired-no-id"
            mid = f"{api}M{len(methods)}"
            methods.append(mid)
            start = out.next_line()
            cfn_method(out, rng, api, a, apis, res, mid, verb, kind)
            items.append(
                item(
                    CFN_CLASS[kind],
                    (start, out.last_line()),
                    kind=kind,
                    id=mid,
                    method=verb,
                    path=path,
                )
            )
        resource += 1
    out.add(f"  {api}Deployment:")
    out.add("    Type: AWS::ApiGateway::Deployment")
    out.add("    DependsOn:")
    for mid in methods:
        out.add(f"      - {mid}")
    out.add("    Properties:")
    out.add(f"      RestApiId: !Ref {api}")
    out.add(f"  {api}Logs:")
    out.add("    Type: AWS::Logs::LogGroup")
    out.add("    Properties:")
    out.add("      RetentionInDays: 30")
    out.add(f"  {api}Stage:")
    out.add("    Type: AWS::ApiGateway::Stage")
    out.add("    Properties:")
    out.add(f"      RestApiId: !Ref {api}")
    out.add(f"      DeploymentId: !Ref {api}Deployment")
    out.add("      StageName: !Ref StageName")
    out.add("      TracingEnabled: true")
    out.add("      MethodSettings:")
    out.add('        - ResourcePath: "/*"')
    out.add('          HttpMethod: "*"')
    out.add("          ThrottlingRateLimit: 100")
    out.add("          ThrottlingBurstLimit: 50")
    out.add("          LoggingLevel: INFO")
    out.add("          CachingEnabled: false")
    out.add("      AccessLogSetting:")
    out.add(f"        DestinationArn: !GetAtt {api}Logs.Arn")
    out.add("        Format: $context.requestId $context.identity.sourceIp $context.status")
    out.add(f"  {api}UsagePlan:")
    out.add("    Type: AWS::ApiGateway::UsagePlan")
    out.add("    Properties:")
    out.add("      ApiStages:")
    out.add(f"        - ApiId: !Ref {api}")
    out.add(f"          Stage: !Ref {api}Stage")
    out.add("      Throttle:")
    out.add("        RateLimit: 50")
    out.add("        BurstLimit: 20")
    out.add("      Quota:")
    out.add("        Limit: 100000")
    out.add("        Period: MONTH")
    out.add(f"  {api}Key:")
    out.add("    Type: AWS::ApiGateway::ApiKey")
    out.add(f"    DependsOn: {api}Stage")
    out.add("    Properties:")
    out.add("      Enabled: true")
    out.add(f"  {api}PlanKey:")
    out.add("    Type: AWS::ApiGateway::UsagePlanKey")
    out.add("    Properties:")
    out.add(f"      KeyId: !Ref {api}Key")
    out.add("      KeyType: API_KEY")
    out.add(f"      UsagePlanId: !Ref {api}UsagePlan")


def cfn_method(out, rng, api, a, apis, res, mid, verb, kind):
    out.add(f"  {mid}:")
    out.add("    Type: AWS::ApiGateway::Method")
    out.add("    Properties:")
    out.add(f"      RestApiId: !Ref {api}")
    out.add(f"      ResourceId: !Ref {res}")
    out.add(f"      HttpMethod: {verb}")
    if kind in ("open-none", "api-key-only", "preflight"):
        out.add("      AuthorizationType: NONE")
    elif kind == "open-conditional":
        out.add("      AuthorizationType: !If [IsProd, AWS_IAM, NONE]")
    elif kind in ("iam", "iam-api-key"):
        out.add("      AuthorizationType: AWS_IAM")
    elif kind in ("custom", "custom-api-key"):
        out.add("      AuthorizationType: CUSTOM")
        out.add(f"      AuthorizerId: !Ref {api}TokenAuth")
    elif kind == "cognito":
        out.add("      AuthorizationType: COGNITO_USER_POOLS")
        out.add(f"      AuthorizerId: !Ref {api}CognitoAuth")
        out.add("      AuthorizationScopes: [email]")
    elif kind == "mis-wired-no-id":
        out.add("      AuthorizationType: CUSTOM")
    elif kind == "mis-wired-foreign":
        other = (a + 1) % apis
        out.add("      AuthorizationType: CUSTOM")
        out.add(f"      AuthorizerId: !Ref Api{other}TokenAuth")
    if kind in ("api-key-only", "iam-api-key", "custom-api-key"):
        out.add("      ApiKeyRequired: true")
    out.add("      Integration:")
    if kind == "preflight":
        out.add("        Type: MOCK")
        out.add("        RequestTemplates:")
        out.add("          application/json: '{\"statusCode\": 200}'")
        out.add("        IntegrationResponses:")
        out.add("          - StatusCode: 200")
        out.add("            ResponseParameters:")
        # The front end's origin: `*` on an API whose routes need credentials is itself a
        # finding (`cors-credentials-wildcard`), and a preflight item must draw none.
        out.add("              method.response.header.Access-Control-Allow-Origin: "
                "\"'https://app.example.com'\"")
        out.add("      MethodResponses:")
        out.add("        - StatusCode: 200")
        out.add("          ResponseParameters:")
        out.add("            method.response.header.Access-Control-Allow-Origin: true")
    else:
        out.add("        Type: AWS_PROXY")
        out.add("        IntegrationHttpMethod: POST")
        if rng.random() < 0.8:
            out.add(f"        Uri: !Sub {REGION_ARN}/${{BackendFunctionArn}}/invocations")
        else:
            out.add("        Uri:")
            out.add("          Fn::Join:")
            out.add('            - ""')
            out.add('            - - "arn:aws:apigateway:"')
            out.add("              - Ref: AWS::Region")
            out.add('              - ":lambda:path/2015-03-31/functions/"')
            out.add("              - !Ref BackendFunctionArn")
            out.add('              - "/invocations"')


# ---------------------------------------------------------------------------------------------
# SAM

SAM_API_KINDS = [
    ("default", 30),
    ("cognito", 15),
    ("iam", 10),
    ("none", 12),
    ("implicit", 8),
    ("api-key-only", 10),
    ("key-api", 5),
    ("mis-wired", 3),
]
SAM_API_CLASS = {
    "default": "secure",
    "cognito": "secure",
    "iam": "secure",
    "none": "open",
    "implicit": "open",
    "api-key-only": "api-key-only",
    "key-api": "api-key-only",
    "mis-wired": "mis-wired",
}
SAM_HTTP_KINDS = [("default", 70), ("none", 18), ("implicit", 12)]
SAM_HTTP_CLASS = {"default": "secure", "none": "open", "implicit": "open"}


def sam_template(n, rng, label):
    out = Lines()
    items = []
    out.add('AWSTemplateFormatVersion: "2010-09-09"')
    out.add("Transform: AWS::Serverless-2016-10-31")
    out.add(f"Description: gatelint benchmark input {label}, {n} functions")
    out.add("Parameters:")
    out.add("  AuthFunctionArn:")
    out.add("    Type: String")
    out.add("    Default: arn:aws:lambda:eu-west-1:123456789012:function:authorizer")
    out.add("  UserPoolArn:")
    out.add("    Type: String")
    out.add("    Default: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc")
    out.add("Globals:")
    out.add("  Function:")
    out.add("    Runtime: python3.12")
    out.add("    Timeout: 10")
    out.add("    MemorySize: 256")
    out.add("    Tracing: Active")
    out.add("Resources:")
    out.add("  AccessLogs:")
    out.add("    Type: AWS::Logs::LogGroup")
    out.add("  AuthApi:")
    out.add("    Type: AWS::Serverless::Api")
    out.add("    Properties:")
    out.add("      StageName: prod")
    out.add("      MethodSettings:")
    out.add('        - ResourcePath: "/*"')
    out.add('          HttpMethod: "*"')
    out.add("          ThrottlingRateLimit: 100")
    out.add("          ThrottlingBurstLimit: 50")
    out.add("      AccessLogSetting:")
    out.add("        DestinationArn: !GetAtt AccessLogs.Arn")
    out.add("        Format: $context.requestId")
    out.add("      Auth:")
    out.add("        DefaultAuthorizer: TokenAuth")
    out.add("        Authorizers:")
    out.add("          TokenAuth:")
    out.add("            FunctionArn: !Ref AuthFunctionArn")
    out.add("            Identity:")
    out.add("              Header: Authorization")
    out.add("              ReauthorizeEvery: 300")
    out.add("          CognitoAuth:")
    out.add("            UserPoolArn: !Ref UserPoolArn")
    out.add("  KeyApi:")
    out.add("    Type: AWS::Serverless::Api")
    out.add("    Properties:")
    out.add("      StageName: prod")
    out.add("      MethodSettings:")
    out.add('        - ResourcePath: "/*"')
    out.add('          HttpMethod: "*"')
    out.add("          ThrottlingRateLimit: 100")
    out.add("          ThrottlingBurstLimit: 50")
    out.add("      AccessLogSetting:")
    out.add("        DestinationArn: !GetAtt AccessLogs.Arn")
    out.add("        Format: $context.requestId")
    out.add("      Auth:")
    out.add("        ApiKeyRequired: true")
    out.add("        UsagePlan:")
    out.add("          CreateUsagePlan: PER_API")
    out.add("          Throttle:")
    out.add("            RateLimit: 50")
    out.add("            BurstLimit: 20")
    out.add("  JwtHttpApi:")
    out.add("    Type: AWS::Serverless::HttpApi")
    out.add("    Properties:")
    out.add("      DefaultRouteSettings:")
    out.add("        ThrottlingRateLimit: 100")
    out.add("        ThrottlingBurstLimit: 50")
    out.add("      AccessLogSettings:")
    out.add("        DestinationArn: !GetAtt AccessLogs.Arn")
    out.add("        Format: $context.requestId")
    out.add("      Auth:")
    out.add("        DefaultAuthorizer: Jwt")
    out.add("        Authorizers:")
    out.add("          Jwt:")
    out.add("            IdentitySource: $request.header.Authorization")
    out.add("            JwtConfiguration:")
    out.add("              issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc")
    out.add("              audience:")
    out.add("                - 1example23456789")
    for f in range(n):
        sam_function(out, items, rng, f)
    return out.text(), items


def sam_function(out, items, rng, f):
    fn = f"Fn{f}"
    out.add(f"  {fn}:")
    out.add("    Type: AWS::Serverless::Function")
    out.add("    Properties:")
    out.add("      CodeUri: src/")
    out.add(f"      Handler: app.handler{f}")
    out.add("      Events:")
    kind = pick(rng, SAM_API_KINDS)
    verb = rng.choice(["get", "post", "put", "delete"])
    path = f"/items{f}" if f % 2 == 0 else f"/items{f}/{{id}}"
    event = f"Api{f}"
    start = out.next_line()
    out.add(f"        {event}:")
    out.add("          Type: Api")
    out.add("          Properties:")
    if kind == "key-api":
        out.add("            RestApiId: !Ref KeyApi")
    elif kind != "implicit":
        out.add("            RestApiId: !Ref AuthApi")
    out.add(f"            Path: {path}")
    out.add(f"            Method: {verb}")
    if kind == "cognito":
        out.add("            Auth:")
        out.add("              Authorizer: CognitoAuth")
    elif kind == "iam":
        out.add("            Auth:")
        out.add("              Authorizer: AWS_IAM")
    elif kind == "none":
        out.add("            Auth:")
        out.add("              Authorizer: NONE")
    elif kind == "api-key-only":
        out.add("            Auth:")
        out.add("              Authorizer: NONE")
        out.add("              ApiKeyRequired: true")
    elif kind == "mis-wired":
        out.add("            Auth:")
        out.add("              Authorizer: NoSuchAuthorizer")
    items.append(
        item(
            SAM_API_CLASS[kind],
            (start, out.last_line()),
            kind=f"api-{kind}",
            id=f"{fn}.{event}",
            function=fn,
            method=verb.upper(),
            path=path,
        )
    )
    hkind = pick(rng, SAM_HTTP_KINDS)
    hpath = f"/h{f}"
    event = f"Http{f}"
    start = out.next_line()
    out.add(f"        {event}:")
    out.add("          Type: HttpApi")
    out.add("          Properties:")
    if hkind != "implicit":
        out.add("            ApiId: !Ref JwtHttpApi")
    out.add(f"            Path: {hpath}")
    out.add("            Method: GET")
    if hkind == "none":
        out.add("            Auth:")
        out.add("              Authorizer: NONE")
    items.append(
        item(
            SAM_HTTP_CLASS[hkind],
            (start, out.last_line()),
            kind=f"http-{hkind}",
            id=f"{fn}.{event}",
            function=fn,
            method="GET",
            path=hpath,
        )
    )


# ---------------------------------------------------------------------------------------------
# OpenAPI

OAS_KINDS = [
    ("open-missing", 8),
    ("open-empty", 5),
    ("api-key-only", 8),
    ("mis-wired", 3),
    ("lambda", 25),
    ("cognito", 20),
    ("sigv4", 15),
    ("lambda-api-key", 8),
    ("oauth2", 8),
]
OAS_CLASS = {
    "open-missing": "open",
    "open-empty": "open",
    "api-key-only": "api-key-only",
    "mis-wired": "mis-wired",
    "lambda": "secure",
    "cognito": "secure",
    "sigv4": "secure",
    "lambda-api-key": "secure",
    "oauth2": "secure",
    "preflight": "preflight",
}
OAS_SECURITY = {
    "open-missing": None,
    "open-empty": [],
    "api-key-only": [{"api_key": []}],
    "mis-wired": [{"undefined_authorizer": []}],
    "lambda": [{"lambda_token": []}],
    "cognito": [{"cognito": ["email"]}],
    "sigv4": [{"sigv4": []}],
    "lambda-api-key": [{"lambda_token": [], "api_key": []}],
    "oauth2": [{"oauth": ["read"]}],
}
LAMBDA_URI = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:eu-west-1:123456789012:function:{}/invocations"
)


def oas_operations(n, rng):
    """The spec as data: a list of (path, [(verb, kind)]) and nothing else random."""
    paths = []
    made = 0
    p = 0
    while made < n:
        path = f"/things{p}" if p % 2 == 0 else f"/things{p - 1}/{{id}}"
        verbs = rng.sample(["get", "post", "put", "delete", "patch"], k=rng.randint(1, 3))
        ops = []
        for verb in verbs:
            if made >= n:
                break
            ops.append((verb, pick(rng, OAS_KINDS)))
            made += 1
        if made < n and rng.random() < 0.25:
            ops.append(("options", "preflight"))
            made += 1
        paths.append((path, ops))
        p += 1
    return paths


def pointer(path, verb):
    return "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + verb


def oas_components():
    return {
        "securitySchemes": {
            "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            "lambda_token": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {
                    "type": "token",
                    "authorizerUri": LAMBDA_URI.format("authorizer"),
                    "authorizerResultTtlInSeconds": 300,
                },
            },
            "cognito": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {
                    "type": "cognito_user_pools",
                    "providerARNs": [
                        "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"
                    ],
                },
            },
            "sigv4": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            },
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "https://auth.example.com/authorize",
                        "tokenUrl": "https://auth.example.com/token",
                        "scopes": {"read": "read things", "write": "write things"},
                    }
                },
            },
        }
    }


def oas_operation(verb, kind, index):
    op = {"operationId": f"op{index}"}
    security = OAS_SECURITY.get(kind)
    if kind != "preflight" and security is not None:
        op["security"] = security
    if verb in ("post", "put", "patch"):
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
        }
    op["responses"] = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
        }
    }
    if kind == "preflight":
        op["x-amazon-apigateway-integration"] = {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {"default": {"statusCode": "200"}},
        }
    else:
        op["x-amazon-apigateway-integration"] = {
            "type": "aws_proxy",
            "httpMethod": "POST",
            "uri": LAMBDA_URI.format(f"backend{index % 7}"),
        }
    return op


def oas_spec(n, rng, label):
    """Both spellings of one spec: (yaml_text, yaml_items, json_text, json_items)."""
    paths = oas_operations(n, rng)
    header = {
        "openapi": "3.0.1",
        "info": {"title": f"gatelint benchmark {label}", "version": "1.0"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "x-amazon-apigateway-api-key-source": "HEADER",
    }
    components = oas_components()
    components["schemas"] = {
        "Thing": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        }
    }
    return (*oas_yaml(header, paths, components), *oas_json(header, paths, components))


def yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain_ok = (
        text
        and text[0] not in "!&*{}[]|>'\"%@`#,?:-~ "
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and text not in ("true", "false", "null", "yes", "no", "on", "off", "~")
        and not text.replace(".", "", 1).isdigit()
    )
    return text if plain_ok else json.dumps(text)


def yaml_block(out, value, indent):
    """Emit `value` (dict or list) as block YAML at `indent` spaces."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, child in value.items():
            k = yaml_scalar(key)
            if isinstance(child, (dict, list)) and child:
                out.add(f"{pad}{k}:")
                yaml_block(out, child, indent + 2)
            elif isinstance(child, (dict, list)):
                out.add(f"{pad}{k}: {'{}' if isinstance(child, dict) else '[]'}")
            else:
                out.add(f"{pad}{k}: {yaml_scalar(child)}")
    else:
        for child in value:
            if isinstance(child, dict) and child:
                first = True
                for key, grand in child.items():
                    lead = f"{pad}- " if first else f"{pad}  "
                    first = False
                    k = yaml_scalar(key)
                    if isinstance(grand, (dict, list)) and grand:
                        out.add(f"{lead}{k}:")
                        yaml_block(out, grand, indent + 4)
                    elif isinstance(grand, (dict, list)):
                        out.add(f"{lead}{k}: {'{}' if isinstance(grand, dict) else '[]'}")
                    else:
                        out.add(f"{lead}{k}: {yaml_scalar(grand)}")
            elif isinstance(child, (dict, list)):
                out.add(f"{pad}- {'{}' if isinstance(child, dict) else '[]'}")
            else:
                out.add(f"{pad}- {yaml_scalar(child)}")


PATH_PARAMETERS = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]


def oas_yaml(header, paths, components):
    out = Lines()
    items = []
    yaml_block(out, header, 0)
    out.add("paths:")
    index = 0
    for path, ops in paths:
        out.add(f"  {yaml_scalar(path)}:")
        if "{" in path:
            out.add("    parameters:")
            yaml_block(out, PATH_PARAMETERS, 6)
        for verb, kind in ops:
            start = out.next_line()
            out.add(f"    {verb}:")
            yaml_block(out, oas_operation(verb, kind, index), 6)
            items.append(
                item(
                    OAS_CLASS[kind],
                    (start, out.last_line()),
                    kind=kind,
                    id=f"op{index}",
                    method=verb.upper(),
                    path=path,
                    pointer=pointer(path, verb),
                )
            )
            index += 1
    out.add("components:")
    yaml_block(out, components, 2)
    return out.text(), items


def json_lines(value, indent):
    """`value` pretty-printed as JSON lines, starting at `indent` spaces."""
    text = json.dumps(value, indent=1)
    return [" " * indent + line if i else line for i, line in enumerate(text.split("\n"))]


def oas_json(header, paths, components):
    out = Lines()
    items = []
    out.add("{")
    for key, value in header.items():
        lines = json_lines(value, 2)
        lines[0] = f"  {json.dumps(key)}: {lines[0]}"
        lines[-1] += ","
        for line in lines:
            out.add(line)
    out.add('  "paths": {')
    index = 0
    for p, (path, ops) in enumerate(paths):
        out.add(f"    {json.dumps(path)}: {{")
        if "{" in path:
            lines = json_lines(PATH_PARAMETERS, 6)
            lines[0] = f'      "parameters": {lines[0]}'
            lines[-1] += ","
            for line in lines:
                out.add(line)
        for o, (verb, kind) in enumerate(ops):
            start = out.next_line()
            lines = json_lines(oas_operation(verb, kind, index), 6)
            lines[0] = f"      {json.dumps(verb)}: {lines[0]}"
            if o + 1 < len(ops):
                lines[-1] += ","
            for line in lines:
                out.add(line)
            items.append(
                item(
                    OAS_CLASS[kind],
                    (start, out.last_line()),
                    kind=kind,
                    id=f"op{index}",
                    method=verb.upper(),
                    path=path,
                    pointer=pointer(path, verb),
                )
            )
            index += 1
        out.add("    }," if p + 1 < len(paths) else "    }")
    out.add("  },")
    lines = json_lines(components, 2)
    lines[0] = f'  "components": {lines[0]}'
    for line in lines:
        out.add(line)
    out.add("}")
    return out.text(), items


# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Terraform

TF_METHOD_KINDS = [
    ("open-none", 9),
    ("open-conditional", 2),
    ("api-key-only", 7),
    ("mis-wired-no-id", 2),
    ("iam", 20),
    ("custom", 22),
    ("cognito", 15),
    ("custom-api-key", 5),
    ("preflight", 3),
]
TF_CLASS = {
    "open-none": "open",
    "open-conditional": "open",
    "api-key-only": "api-key-only",
    "mis-wired-no-id": "mis-wired",
    "iam": "secure",
    "custom": "secure",
    "cognito": "secure",
    "custom-api-key": "secure",
    "preflight": "preflight",
}


def tf_module(n, rng, label):
    """A root module with N aws_api_gateway_method resources over REST APIs of 500 methods,
    each method on its own aws_api_gateway_resource; TOKEN and Cognito authorizers, a
    deployment with triggers and create_before_destroy, a stage with access logs and `*/*`
    method settings. Conditionals depend on a variable, so both branches are kept."""
    out = Lines()
    items = []
    out.add(f"# {label}: {n} methods")
    out.add('variable "secure" {')
    out.add("  type    = bool")
    out.add("  default = true")
    out.add("}")
    apis = max(1, (n + METHODS_PER_API - 1) // METHODS_PER_API)
    m = 0
    for a in range(apis):
        api = f"api{a}"
        ref = f"aws_api_gateway_rest_api.{api}"
        out.add("")
        out.add(f'resource "aws_api_gateway_rest_api" "{api}" {{')
        out.add(f'  name = "{label} {api}"')
        out.add("}")
        out.add("")
        out.add(f'resource "aws_api_gateway_authorizer" "{api}_token" {{')
        out.add(f'  name                             = "{api}-token"')
        out.add(f"  rest_api_id                      = {ref}.id")
        out.add('  authorizer_uri                   = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"')
        out.add("  authorizer_result_ttl_in_seconds = 0")
        out.add("}")
        out.add("")
        out.add(f'resource "aws_api_gateway_authorizer" "{api}_cognito" {{')
        out.add(f'  name          = "{api}-cognito"')
        out.add(f"  rest_api_id   = {ref}.id")
        out.add('  type          = "COGNITO_USER_POOLS"')
        out.add('  provider_arns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]')
        out.add("}")
        count = min(METHODS_PER_API, n - m)
        for i in range(count):
            kind = pick(rng, TF_METHOD_KINDS)
            verb = "OPTIONS" if kind == "preflight" else rng.choice(HTTP_METHODS)
            res = f"{api}_r{i}"
            path = f"/r{i}"
            out.add("")
            out.add(f'resource "aws_api_gateway_resource" "{res}" {{')
            out.add(f"  rest_api_id = {ref}.id")
            out.add(f"  parent_id   = {ref}.root_resource_id")
            out.add(f'  path_part   = "r{i}"')
            out.add("}")
            out.add("")
            start = out.next_line()
            name = f"{api}_m{i}"
            out.add(f'resource "aws_api_gateway_method" "{name}" {{')
            out.add(f"  rest_api_id   = {ref}.id")
            out.add(f"  resource_id   = aws_api_gateway_resource.{res}.id")
            out.add(f'  http_method   = "{verb}"')
            if kind in ("open-none", "preflight"):
                out.add('  authorization = "NONE"')
            elif kind == "open-conditional":
                out.add('  authorization = var.secure ? "AWS_IAM" : "NONE"')
            elif kind == "api-key-only":
                out.add('  authorization    = "NONE"')
                out.add("  api_key_required = true")
            elif kind == "mis-wired-no-id":
                out.add('  authorization = "CUSTOM"')
            elif kind == "iam":
                out.add('  authorization = "AWS_IAM"')
            elif kind in ("custom", "custom-api-key"):
                out.add('  authorization = "CUSTOM"')
                out.add(f"  authorizer_id = aws_api_gateway_authorizer.{api}_token.id")
                if kind == "custom-api-key":
                    out.add("  api_key_required = true")
            elif kind == "cognito":
                out.add('  authorization = "COGNITO_USER_POOLS"')
                out.add(f"  authorizer_id = aws_api_gateway_authorizer.{api}_cognito.id")
            out.add("}")
            end = out.last_line()
            if kind == "preflight":
                out.add("")
                out.add(f'resource "aws_api_gateway_integration" "{name}" {{')
                out.add(f"  rest_api_id = {ref}.id")
                out.add(f"  resource_id = aws_api_gateway_resource.{res}.id")
                out.add(f"  http_method = aws_api_gateway_method.{name}.http_method")
                out.add('  type        = "MOCK"')
                out.add("}")
            items.append(item(TF_CLASS[kind], (start, end), id=f"aws_api_gateway_method.{name}",
                              method=verb, path=path, api=f"aws_api_gateway_rest_api.{api}"))
        m += count
        out.add("")
        out.add(f'resource "aws_api_gateway_deployment" "{api}" {{')
        out.add(f"  rest_api_id = {ref}.id")
        out.add("  triggers = {")
        out.add(f"    redeployment = sha1(jsonencode([{ref}.body]))")
        out.add("  }")
        out.add("  lifecycle {")
        out.add("    create_before_destroy = true")
        out.add("  }")
        out.add("}")
        out.add("")
        out.add(f'resource "aws_api_gateway_stage" "{api}" {{')
        out.add(f"  rest_api_id   = {ref}.id")
        out.add(f"  deployment_id = aws_api_gateway_deployment.{api}.id")
        out.add('  stage_name    = "prod"')
        out.add("  access_log_settings {")
        out.add('    destination_arn = "arn:aws:logs:us-east-1:123456789012:log-group:api"')
        out.add('    format          = "$context.identity.sourceIp $context.resourcePath $context.status"')
        out.add("  }")
        out.add("}")
        out.add("")
        out.add(f'resource "aws_api_gateway_method_settings" "{api}" {{')
        out.add(f"  rest_api_id = {ref}.id")
        out.add(f"  stage_name  = aws_api_gateway_stage.{api}.stage_name")
        out.add('  method_path = "*/*"')
        out.add("  settings {")
        out.add("    throttling_rate_limit  = 100")
        out.add("    throttling_burst_limit = 50")
        out.add("  }")
        out.add("}")
    return out.text(), items


# ---------------------------------------------------------------------------------------------
# Output

def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(out_dir, label, n, seed):
    target = os.path.join(out_dir, label)
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(os.path.join(target, "dir"))
    key = {"label": label, "n": n, "seed": seed, "files": {}}

    def record(rel, fmt, text, items):
        write(os.path.join(target, rel), text)
        key["files"][rel] = {"format": fmt, "bytes": len(text.encode()), "items": items}

    only = ONLY.get(label, {"cfn", "sam", "openapi", "terraform", "dir"})
    # Each input gets its own stream, so adding one never changes another.
    if "cfn" in only:
        text, items = cfn_template(n, random.Random(f"{seed}/cfn/{n}"), label, extras=True)
        record("cfn.yaml", "cloudformation", text, items)
    if "sam" in only:
        text, items = sam_template(n, random.Random(f"{seed}/sam/{n}"), label)
        record("sam.yaml", "sam", text, items)
    if "openapi" in only:
        ytext, yitems, jtext, jitems = oas_spec(n, random.Random(f"{seed}/oas/{n}"), label)
        record("openapi.yaml", "openapi", ytext, yitems)
        record("openapi.json", "openapi", jtext, jitems)
    if "terraform" in only:
        # A directory of .tf files is one module: the Terraform input has a folder of its own.
        os.makedirs(os.path.join(target, "terraform"))
        text, items = tf_module(n, random.Random(f"{seed}/tf/{n}"), label)
        record("terraform/main.tf", "terraform", text, items)
    files = max(1, n // 10) if "dir" in only else 0
    n_cfn, n_sam, n_oas = DIR_ITEMS.get(label, (10, 5, 10))
    for f in range(files):
        rng = random.Random(f"{seed}/dir/{n}/{f}")
        which = f % 3
        name = f"dir/t{f:05d}"
        if which == 0:
            text, items = cfn_template(n_cfn, rng, f"{label} dir {f}")
            record(name + ".yaml", "cloudformation", text, items)
        elif which == 1:
            text, items = sam_template(n_sam, rng, f"{label} dir {f}")
            record(name + ".yaml", "sam", text, items)
        else:
            ytext, yitems, jtext, jitems = oas_spec(n_oas, rng, f"{label} dir {f}")
            if f % 2 == 0:
                record(name + ".yaml", "openapi", ytext, yitems)
            else:
                record(name + ".json", "openapi", jtext, jitems)
    write(os.path.join(target, "key.json"), json.dumps(key, indent=1, sort_keys=True) + "\n")
    total = sum(f["bytes"] for f in key["files"].values())
    print(f"{label}: N={n}, {len(key['files'])} files, {total / 1e6:.1f} MB", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="output folder (e.g. bench/out/inputs)")
    parser.add_argument("--sizes", default="small,medium,large,scale")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    labels = []
    for name in args.sizes.split(","):
        for label in SIZE_GROUPS.get(name, [name]):
            if label not in SIZES:
                parser.error(f"unknown size {label}; known: {', '.join(SIZES)}")
            if label not in labels:
                labels.append(label)
    for label in labels:
        generate(args.out, label, SIZES[label], args.seed)


if __name__ == "__main__":
    main()
