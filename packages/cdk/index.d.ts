import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

export interface GatelintValidatorProps {
  /** The gatelint executable. @default - `$GATELINT_BINARY`, else `gatelint` on PATH */
  readonly binary?: string;
  /** The lowest severity that fails the synthesis. @default 'error' */
  readonly failOn?: 'error' | 'warning' | 'note';
  /** More arguments for `gatelint check` (`--select`, `--config`, ...). @default [] */
  readonly args?: string[];
}

/** Runs `gatelint check --format json` on the templates CDK synthesized. */
export declare class GatelintValidator implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version: string;
  constructor(props?: GatelintValidatorProps);
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport;
}
