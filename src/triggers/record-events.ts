/**
 * Record-change events in the style of GeneralManager: an event per created, updated or deleted record
 * whose data carries a per-field diff, `changes.<field>.old` / `.new`, so that a trigger's predicate reads
 * `event['changes']['status']['new'] == 'active'`. Pure module: plain data in, plain data out.
 */

/** The change of one field: `old` is `null` for a created record, `new` is `null` for a deleted one. */
export interface FieldChange {
  /** The value before the change; `null` for a created record. */
  readonly old: unknown;
  /** The value after the change; `null` for a deleted record. */
  readonly new: unknown;
}

/** A record-change event: publish it with `events.trigger(e.name, e.data)`. */
export interface RecordEvent {
  /** `<model>.created`, `<model>.updated` or `<model>.deleted`. */
  readonly name: string;
  /** The event data: what changed, in which record. */
  readonly data: {
    /** The model (the kind of record) the record belongs to. */
    readonly model: string;
    /** What happened to the record. */
    readonly action: 'created' | 'updated' | 'deleted';
    /** The record's `id` field, when it has one. */
    readonly id?: unknown;
    /** The record after the change (before it, for a deletion). */
    readonly record: Readonly<Record<string, unknown>>;
    /** The fields that changed, each with its old and new value. */
    readonly changes: Readonly<Record<string, FieldChange>>;
  };
}

/**
 * A record: its fields by name.
 *
 * @inline
 */
type Fields = Readonly<Record<string, unknown>>;

/**
 * The per-field diff of two versions of a record: every field whose value differs (compared as JSON), with
 * `null` standing for a field that is absent on one side.
 */
export function recordChanges(before: Fields | null, after: Fields | null): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const old = before && Object.prototype.hasOwnProperty.call(before, key) ? before[key] : null;
    const now = after && Object.prototype.hasOwnProperty.call(after, key) ? after[key] : null;
    if (JSON.stringify(old) !== JSON.stringify(now)) changes[key] = { old, new: now };
  }
  return changes;
}

function recordEvent(
  model: string,
  action: RecordEvent['data']['action'],
  record: Fields,
  changes: Record<string, FieldChange>,
): RecordEvent {
  if (!model) throw new TypeError('a record event needs the model name');
  return {
    name: `${model}.${action}`,
    data: { model, action, ...('id' in record ? { id: record.id } : {}), record, changes },
  };
}

/**
 * `<model>.created`: every field of the new record is a change from `null`.
 *
 * @example
 * const e = recordCreated('project', { id: 7, status: 'draft' });
 * await events.trigger(e.name, e.data); // event['changes']['status']['new'] == 'draft'
 */
export function recordCreated(model: string, record: Fields): RecordEvent {
  return recordEvent(model, 'created', record, recordChanges(null, record));
}

/**
 * `<model>.updated`: the fields that differ between `before` and `after`.
 *
 * @example
 * const e = recordUpdated('project', { id: 7, status: 'draft' }, { id: 7, status: 'active' });
 * // e.data.changes = { status: { old: 'draft', new: 'active' } }
 */
export function recordUpdated(model: string, before: Fields, after: Fields): RecordEvent {
  return recordEvent(model, 'updated', after, recordChanges(before, after));
}

/** `<model>.deleted`: every field of the deleted record is a change to `null`. */
export function recordDeleted(model: string, record: Fields): RecordEvent {
  return recordEvent(model, 'deleted', record, recordChanges(record, null));
}
