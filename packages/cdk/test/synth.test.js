'use strict';
// `cdk synth` with the gatelint plugin, against the aws-cdk-lib that .ci/tools.sh installs
// (NODE_PATH) and the gatelint binary in $GATELINT_BINARY.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');
const { GatelintValidator } = require('..');
const { synth } = require('./app');

function synthesized() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelint-cdk-'));
  let failure;
  try {
    synth(outdir);
  } catch (error) {
    failure = error;
  }
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return { failure, report };
}

test('the synthesis fails with gatelint findings at their constructs', () => {
  const { failure, report } = synthesized();
  assert.match(String(failure), /Validation failed/);
  const plugin = report.pluginReports.find((r) => r.pluginName === 'gatelint');
  assert.ok(plugin, JSON.stringify(report));
  assert.equal(plugin.conclusion, 'failure');
  const found = plugin.violations.flatMap((v) =>
    v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} ${c.constructPath}`),
  );
  for (const expected of [
    'error unauthenticated-route PetsStack/Api/Default/pets/GET/Resource',
    'error token-revocation-disabled PetsStack/Users/Web/Resource',
    'warning jwt-authorizer-audience PetsStack/OrdersJwt',
  ]) {
    assert.ok(found.includes(expected), `${expected} not in ${JSON.stringify(found, null, 1)}`);
  }
  const open = plugin.violations.find((v) => v.ruleName === 'unauthenticated-route');
  assert.deepEqual(open.violatingConstructs[0].cloudFormationResource.propertyPaths, [
    'Properties/AuthorizationType',
  ]);
  // CDK found the line of the app that created the construct.
  assert.match(open.violatingConstructs[0].stackTraces.join('\n'), /test[\\/]app\.js:\d+:\d+/);
});

test('what gatelint says once is not repeated on every violation', () => {
  const { report } = synthesized();
  const plugin = report.pluginReports.find((r) => r.pluginName === 'gatelint');
  const repeated = plugin.violations.filter((v) => /stack traces/.test(v.fix || ''));
  assert.deepEqual(repeated, []);
  // This app's constructs all have creation stacks, so gatelint may have nothing to say once;
  // whatever it says is said once.
  const notes = (plugin.metadata.notes || '').split('\n').filter(Boolean);
  assert.equal(new Set(notes).size, notes.length, plugin.metadata.notes);
});

test('an acknowledged rule below a construct is not reported', () => {
  const { report } = synthesized();
  const plugin = report.pluginReports.find((r) => r.pluginName === 'gatelint');
  const rules = plugin.violations.map((v) => v.ruleName);
  assert.ok(rules.includes('unauthenticated-route'));
  assert.ok(!rules.includes('api-key-only'), JSON.stringify(plugin.violations, null, 1));
});

test('a missing binary is an error that says how to fix it', () => {
  const plugin = new GatelintValidator({ binary: '/nonexistent/gatelint' });
  assert.throws(() => plugin.validate({ templatePaths: [] }), /install gatelint or pass \{ binary/);
});
