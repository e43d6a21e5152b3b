//! What API Gateway assumes where a document says nothing, shared by every format's lowering.

/// Seconds a REST API caches a Lambda authorizer's decision when no TTL is given: "If this
/// field is not set, the default value is 300."
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html>
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html>
pub(crate) const DEFAULT_REST_AUTHORIZER_TTL: u64 = 300;

/// HTTP and WebSocket API Lambda authorizers cache nothing unless given a TTL: "If it equals 0,
/// authorization caching is disabled", and no other default is documented for them.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-authorizer.html>
pub(crate) const DEFAULT_V2_AUTHORIZER_TTL: u64 = 0;
