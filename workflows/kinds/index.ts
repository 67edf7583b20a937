/**
 * The registry of activity kinds: one module per kind, in a mapped type over every kind of the model
 * (`Kinds`), so adding a kind to `src/definition/model.ts` without a module here is a compile error.
 * To change what one kind does, read its module and `kind.ts`; nothing else.
 */
import { actionKind } from './action';
import { allKind } from './all';
import { assignKind } from './assign';
import { awaitKind } from './await';
import { block } from './block';
import { callKind } from './call';
import { delayKind } from './delay';
import { faultKind } from './fault';
import { foreachKind } from './foreach';
import type { Kinds } from './kind';
import { switchKind } from './switch';
import { whileKind } from './while';

/** Every activity kind's module. */
export const kinds: Kinds = {
  sequence: block,
  case: block,
  switch: switchKind,
  while: whileKind,
  foreach: foreachKind,
  all: allKind,
  action: actionKind,
  assign: assignKind,
  delay: delayKind,
  await: awaitKind,
  call: callKind,
  fault: faultKind,
};

export type { FrameKind, Kind, Kinds, Runtime, StepKind } from './kind';
export { actionActivityOptions, DEFAULT_ACTION_OPTIONS } from './action';
