/** How rules hand in their findings. */
import type { Activity, FaultHandler, ProcessDefinition } from '../model';
import type { LintRuleId } from './rules';

/** Records a finding of rule `rule` at `node`'s element. */
export type Reporter = (
  rule: LintRuleId,
  node: Activity | FaultHandler | ProcessDefinition,
  message: string,
) => void;
