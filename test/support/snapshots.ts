import type { ActivitySnapshot } from '../../src/protocol';

/** A snapshot node for unit tests: an active process `p` with no children, overridden by `over`. */
export const snapshotNode = (over: Partial<ActivitySnapshot>): ActivitySnapshot => ({
  id: 'p',
  type: 'process',
  state: 'active',
  children: [],
  faults: [],
  ...over,
});
