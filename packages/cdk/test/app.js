'use strict';
// A small CDK app for the plugin's test: a REST API with an open method and an API-key-only one
// (acknowledged below the API's `Admin` resource), an HTTP API whose JWT authorizer names no
// audience, and a Cognito client with token revocation off. Synthesized into `outdir`.

const cdk = require('aws-cdk-lib');
const apigateway = require('aws-cdk-lib/aws-apigateway');
const apigatewayv2 = require('aws-cdk-lib/aws-apigatewayv2');
const cognito = require('aws-cdk-lib/aws-cognito');
const { GatelintValidator } = require('..');

function synth(outdir, plugin) {
  const app = new cdk.App({
    outdir,
    context: { '@aws-cdk/core:validationReportJson': true },
  });
  cdk.Validations.of(app).addPlugins(plugin || new GatelintValidator());

  const stack = new cdk.Stack(app, 'PetsStack');
  const api = new apigateway.RestApi(stack, 'Api', {
    deployOptions: { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
  });
  const pets = api.root.addResource('pets');
  pets.addMethod('GET', new apigateway.MockIntegration());
  const admin = api.root.addResource('admin');
  admin.addMethod('POST', new apigateway.MockIntegration(), { apiKeyRequired: true });
  cdk.Validations.of(admin).acknowledge({
    id: 'gatelint::api-key-only',
    reason: 'the admin API is called by one partner with a key',
  });

  const orders = new apigatewayv2.HttpApi(stack, 'Orders');
  const jwt = new apigatewayv2.CfnAuthorizer(stack, 'OrdersJwt', {
    apiId: orders.apiId,
    authorizerType: 'JWT',
    name: 'jwt',
    identitySource: ['$request.header.Authorization'],
    jwtConfiguration: { issuer: 'https://example.eu.auth0.com/' },
  });
  new apigatewayv2.CfnRoute(stack, 'ListOrders', {
    apiId: orders.apiId,
    routeKey: 'GET /orders',
    authorizationType: 'JWT',
    authorizerId: jwt.ref,
  });

  const users = new cognito.UserPool(stack, 'Users');
  users.addClient('Web', { enableTokenRevocation: false });

  return app.synth();
}

module.exports = { synth };
