/**
 * What an operator does to a running process, on the workflow side: pause and resume (a gate before each
 * new step), a participant's `halt` reply (pauses like `pause`), and `set` (an Update that changes the
 * process context). Everything here is a handler or a check: none of it emits a command of its own, so
 * a process that is never paused or changed runs exactly the commands it ran before.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import { contextSizeMessage, MAX_CONTEXT_BYTES } from '../src/context-size';
import {
  checkFields,
  pauseUpdate,
  resumeUpdate,
  setFieldsUpdate,
  type PauseInfo,
  type PauseRequest,
} from '../src/operations';
import type { ContextValues, Scope } from '../src/scope';
import type { Activity, FaultHandler, ProcessDefinition } from '../src/definition';
import type { Hooks } from './hooks';
import type { StepHooks } from './interpreter';

/** The patch that turns a `{ status: 'halt' }` reply into a pause (before it, the reply faulted). */
export const HALT_REPLY_PATCH = 'bureaucrat-halt-reply';

/** What the operations reach of the interpreter. */
export interface OperationsTarget {
  /** The process scope, once the process has started. */
  scope(): Scope | undefined;
  /** The merged process context. */
  context(): ContextValues;
}

/**
 * One process's pause state and its operator updates, and the interpreter's {@link StepHooks}: the pause
 * gate before each step, `halt` replies, and the `stepCompleted` lifecycle hook.
 */
export class Operations implements StepHooks {
  private pausedBy?: PauseInfo;

  constructor(
    private readonly target: OperationsTarget,
    private readonly hooks: Hooks,
  ) {}

  /** Registers the `pause`, `resume` and `setFields` update handlers. */
  install(): void {
    setHandler(pauseUpdate, (request: PauseRequest | undefined) =>
      this.pause(request?.by ?? 'operator', request?.reason ?? ''),
    );
    setHandler(resumeUpdate, () => this.resume());
    setHandler(setFieldsUpdate, (fields) => this.setFields(fields), {
      // Refused here, an update leaves no trace in the history (a validator runs before it is accepted).
      validator: (fields) => this.checkSet(fields),
    });
  }

  /** Who paused the process, why and since when; `undefined` while it runs. */
  get paused(): PauseInfo | undefined {
    return this.pausedBy;
  }

  /** While paused, a promise that resolves on resume; else `undefined` (the step stays synchronous). */
  beforeStep(): Promise<void> | undefined {
    // No promise while running: each promise created in workflow code costs a stack-trace capture.
    return this.pausedBy ? condition(() => this.pausedBy === undefined) : undefined;
  }

  /** A `halt` reply pauses the process; returns the reply without its status. */
  actionReply(participant: string, value: unknown): unknown {
    if (typeof value !== 'object' || value === null || (value as { status?: unknown }).status !== 'halt') {
      return value;
    }
    // Before this patch a `halt` reply faulted with ActionError: histories recorded then keep doing so.
    if (!patched(HALT_REPLY_PATCH)) return value;
    const { status: _status, reason, ...fields } = value as { status: string; reason?: unknown };
    this.pause(`participant ${participant}`, typeof reason === 'string' ? reason : '');
    return fields;
  }

  /** The interpreter is about to wait: the completed steps' hooks go to the worker now. */
  waiting(): void {
    this.hooks.flush();
  }

  /** Announces a completed activity (the process's own end is `processCompleted`). */
  stepCompleted(node: Activity | FaultHandler | ProcessDefinition): void {
    if (node.kind !== 'process' && node.kind !== 'handler') this.hooks.stepCompleted(node.id);
  }

  private pause(by: string, reason: string): PauseInfo {
    if (this.pausedBy) return this.pausedBy; // already paused: the first pause stands
    this.pausedBy = { by, reason, since: new Date().toISOString() };
    this.hooks.paused(this.pausedBy);
    return this.pausedBy;
  }

  private resume(): boolean {
    const was = this.pausedBy !== undefined;
    this.pausedBy = undefined;
    return was;
  }

  private checkSet(fields: unknown): void {
    checkFields(fields);
    const scope = this.target.scope();
    if (!scope) throw new Error('the process has not started yet');
    if (scope.bytesWith(fields, MAX_CONTEXT_BYTES) > MAX_CONTEXT_BYTES) {
      throw new Error(contextSizeMessage('the fields to set'));
    }
  }

  private setFields(fields: ContextValues): ContextValues {
    const scope = this.target.scope();
    // The process scope is the outermost: `set` from it changes (or creates) the field there.
    for (const [key, value] of Object.entries(fields)) scope?.set(key, value);
    return this.target.context();
  }
}
