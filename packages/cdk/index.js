'use strict';
// An AWS CDK policy validation plugin (IPolicyValidationPlugin) that runs
// `gatelint check --format json` on the templates CDK synthesized and reports each finding as a
// violation of the resource it is on. CDK then shows the construct path and, with `--debug`, the
// stack trace of the construct; `Validations.of(construct).acknowledge({ id: 'gatelint::<rule>' })`
// suppresses a rule below a construct.

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const SEVERITIES = ['note', 'warning', 'error'];

class GatelintValidator {
  /**
   * @param {object} [props]
   * @param {string} [props.binary] the gatelint executable; default `$GATELINT_BINARY`, else
   *   `gatelint` on PATH.
   * @param {'error'|'warning'|'note'} [props.failOn] the lowest severity that fails the
   *   synthesis (default `error`); findings below it are reported all the same.
   * @param {string[]} [props.args] more arguments for `gatelint check` (`--select`, `--config`).
   */
  constructor(props = {}) {
    this.name = 'gatelint';
    this.version = require('./package.json').version;
    this.binary = props.binary || process.env.GATELINT_BINARY || 'gatelint';
    this.failOn = props.failOn || 'error';
    if (!SEVERITIES.includes(this.failOn)) {
      throw new Error(`gatelint: failOn must be one of ${SEVERITIES.join(', ')}, not ${this.failOn}`);
    }
    this.args = props.args || [];
  }

  validate(context) {
    const templates = context.templatePaths.map((p) => path.resolve(p));
    const run = spawnSync(this.binary, ['check', '--format', 'json', ...this.args, '--', ...templates], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.error) {
      throw new Error(
        `gatelint: cannot run ${this.binary} (${run.error.message}); install gatelint or pass { binary: '/path/to/gatelint' }`,
      );
    }
    let report;
    try {
      report = JSON.parse(run.stdout);
    } catch (error) {
      throw new Error(`gatelint exited with ${run.status} without a JSON report: ${run.stderr || run.stdout}`);
    }
    const violations = report.findings.map((finding) => violation(finding, templates));
    for (const error of report.errors) {
      violations.push({
        ruleName: error.rule,
        description: error.message,
        severity: 'error',
        violatingResources: [{ templatePath: error.location.path, locations: [] }],
      });
    }
    const threshold = SEVERITIES.indexOf(this.failOn);
    // What gatelint says once for the whole run (how to get stack traces, files it skipped) is
    // said once here too, not on every violation.
    const metadata = { gatelint: report.tool.version };
    const notes = [...new Set(report.notes.map((note) => note.message))];
    if (notes.length > 0) {
      metadata.notes = notes.join('\n');
    }
    return {
      success: !violations.some((v) => SEVERITIES.indexOf(v.severity) >= threshold),
      violations,
      pluginVersion: this.version,
      metadata,
    };
  }
}

/** One finding as a CDK violation of the template resource it is on. */
function violation(finding, templates) {
  // A finding gatelint moved to the app's code keeps the template among its related locations.
  const places = [finding.location, ...finding.related.map((r) => r.location)];
  const template = places.map((p) => path.resolve(p.path)).find((p) => templates.includes(p));
  const resource = { templatePath: template || path.resolve(finding.location.path), locations: [] };
  if (finding.logical_id) {
    resource.resourceLogicalId = finding.logical_id;
  }
  if (finding.property_path) {
    // `/Resources/<id>/Properties/X` is `Properties/X` for CDK, relative to the resource.
    const resourcePath = `/Resources/${pointerSegment(finding.logical_id || '')}`;
    if (finding.property_path.startsWith(`${resourcePath}/`)) {
      resource.locations.push(finding.property_path.slice(resourcePath.length + 1));
    } else if (finding.property_path !== resourcePath) {
      resource.locations.push(finding.property_path.replace(/^\//, ''));
    }
  }
  const result = {
    ruleName: finding.rule,
    description: finding.message,
    severity: finding.severity,
    violatingResources: [resource],
    ruleMetadata: { documentation: `https://github.com/gatelint/gatelint/blob/main/rules/${finding.rule}.md` },
  };
  if (finding.help) {
    result.fix = finding.help;
  }
  return result;
}

function pointerSegment(key) {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

module.exports = { GatelintValidator };
