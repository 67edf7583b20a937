/**
 * The grammar: one reader per element kind. `activityReaders` is a mapped type over every activity kind, so
 * a kind added to the model without a reader does not compile; the complex ones share the body readers
 * below, which say which child elements they take (each child is visited once). Pure module.
 */
import { definitionNameProblem } from '../deployed';
import type { NameRef } from '../expression';
import { isReserved } from '../scope';
import {
  PROPERTY_TYPES,
  type Activity,
  type ActivityKind,
  type CaseActivity,
  type Condition,
  type FaultHandler,
  type ProcessDefinition,
  type PropertyDefinition,
  type PropertyType,
  type SourceLocation,
} from './model';
import { convertProperty } from './property-values';
import { isSchemaBinding, type Place, type Reader } from './reader';

/** `retries="…"`: a whole number of at most four digits (the schema checks the same). */
const RETRIES_TEXT = /^\d{1,4}$/;

const PROPERTY_REFERENCE = /^\$([^\s$]+)$/;

/** `version="…"` of `<call definition>`: a whole number from 1 (the schema's xs:positiveInteger, bounded). */
const VERSION_TEXT = /^[1-9]\d{0,8}$/;

/** What every activity reader is given: the element, its id, its checked attributes and location. */
interface Element {
  readonly place: Place;
  readonly id: string;
  readonly attrs: Record<string, string>;
  readonly loc: SourceLocation;
}

type ActivityReader<K extends ActivityKind> = (
  r: Reader,
  e: Element,
) => Extract<Activity, { kind: K }> | undefined;

/** One reader per activity kind. */
const activityReaders: { readonly [K in ActivityKind]: ActivityReader<K> } = {
  sequence: (r, { place, id, loc }) => ({ kind: 'sequence', id, loc, ...blockBody(r, place, id) }),
  all: (r, { place, id, loc }) => ({ kind: 'all', id, loc, ...blockBody(r, place, id) }),
  case(r, { place, id, loc }) {
    const body = conditionalBody(r, place, id);
    if (!body.conditions.length && !r.hasProblemAt(place)) {
      r.problem(
        place,
        '<case> needs at least one <condition> (use <condition>True</condition> for a catch-all)',
      );
    }
    return { kind: 'case', id, loc, ...body };
  },
  while(r, { place, id, loc }) {
    const body = conditionalBody(r, place, id);
    if (!body.conditions.length && !r.hasProblemAt(place))
      r.problem(place, '<while> needs at least one <condition>');
    return { kind: 'while', id, loc, ...body };
  },
  foreach(r, { place, id, attrs, loc }) {
    const body = conditionalBody(r, place, id);
    const select = (attrs.select ?? '').split('.');
    if (attrs.select !== undefined && select.some((s) => !s.trim())) {
      r.problem(
        place,
        `select must be a dotted path like "items" or "order.lines", got "${attrs.select}"`,
        r.attributeOffset(place, 'select'),
      );
    }
    return { kind: 'foreach', id, loc, ...body, select: select.map((s) => s.trim()) };
  },
  switch(r, { place, id, loc }) {
    const cases: CaseActivity[] = [];
    r.children(place, { case: (child) => cases.push(readCase(r, child, `${id}_${cases.length}`)) });
    return { kind: 'switch', id, loc, cases };
  },
  action(r, { place, id, attrs, loc }) {
    r.noContent(place);
    const participant = (attrs.participant ?? '').trim();
    if (attrs.participant !== undefined && !participant) {
      r.problem(place, 'participant must not be empty', r.attributeOffset(place, 'participant'));
    }
    const queue = attrs.queue?.trim();
    if (attrs.queue !== undefined && !queue) {
      r.problem(place, 'queue must not be empty', r.attributeOffset(place, 'queue'));
    }
    const timeout = r.positiveSeconds(place, attrs, 'timeout');
    const heartbeat = r.positiveSeconds(place, attrs, 'heartbeat');
    let retries: number | undefined;
    if (attrs.retries !== undefined) {
      const text = attrs.retries.trim();
      if (RETRIES_TEXT.test(text)) retries = Number(text);
      else
        r.problem(
          place,
          `retries must be a whole number from 0 to 9999 (attempts after the first), got "${attrs.retries}"`,
          r.attributeOffset(place, 'retries'),
        );
    }
    return {
      kind: 'action',
      id,
      loc,
      participant,
      ...(queue && { queue }),
      ...(timeout !== undefined && { timeout }),
      ...(retries !== undefined && { retries }),
      ...(heartbeat !== undefined && { heartbeat }),
    };
  },
  call(r, { place, id, attrs, loc }) {
    r.noContent(place);
    if (attrs.process !== undefined && attrs.definition !== undefined) {
      r.problem(
        place,
        '<call> takes either process="$property" or definition="name", not both',
        r.attributeOffset(place, 'definition'),
      );
    } else if (attrs.process === undefined && attrs.definition === undefined) {
      r.problem(
        place,
        '<call> needs process="$property" (a definition held in the context) or definition="name" (a deployed one)',
      );
    }
    if (attrs.version !== undefined && attrs.definition === undefined) {
      r.problem(
        place,
        'version is only allowed with definition="name" (it pins a deployed definition\'s version)',
        r.attributeOffset(place, 'version'),
      );
    }
    if (attrs.definition !== undefined) {
      const name = attrs.definition.trim();
      const problem = definitionNameProblem(name);
      if (problem) r.problem(place, `definition ${problem}`, r.attributeOffset(place, 'definition'));
      let version: number | undefined;
      if (attrs.version !== undefined) {
        const text = attrs.version.trim();
        if (VERSION_TEXT.test(text)) version = Number(text);
        else
          r.problem(
            place,
            `version must be a whole number from 1, got "${attrs.version}"`,
            r.attributeOffset(place, 'version'),
          );
      }
      return { kind: 'call', id, loc, deployed: { name, ...(version !== undefined && { version }) } };
    }
    const ref = PROPERTY_REFERENCE.exec((attrs.process ?? '').trim());
    if (attrs.process !== undefined && !ref) {
      r.problem(
        place,
        `process must name a context property holding the definition, like "$subprocess", got "${attrs.process}"`,
        r.attributeOffset(place, 'process'),
      );
    }
    return { kind: 'call', id, loc, property: ref?.[1] ?? '' };
  },
  delay(r, { place, id, attrs, loc }) {
    r.noContent(place);
    const text = (attrs.duration ?? '').trim();
    const seconds = Number(text);
    if (attrs.duration !== undefined && (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(seconds))) {
      r.problem(
        place,
        `duration must be a non-negative number of seconds, got "${attrs.duration}"`,
        r.attributeOffset(place, 'duration'),
      );
    }
    return { kind: 'delay', id, loc, seconds: Number.isFinite(seconds) ? seconds : 0 };
  },
  await(r, { place, id, attrs, loc }) {
    // Conditions only, which may read the event too.
    const conditions: Condition[] = [];
    r.children(
      place,
      { condition: (child) => readCondition(r, child, ['context', 'event'], conditions) },
      (child) => `<${child.element.name}> is not allowed in <await> (only <condition>)`,
    );
    const event = (attrs.event ?? '').trim();
    if (attrs.event !== undefined && !event)
      r.problem(place, 'event must not be empty', r.attributeOffset(place, 'event'));
    const timeout = r.positiveSeconds(place, attrs, 'timeout');
    const key = r.attributeExpression(place, attrs, 'key', ['context']);
    return {
      kind: 'await',
      id,
      loc,
      event,
      conditions,
      ...(timeout !== undefined && { timeout }),
      ...(key !== undefined && { key }),
    };
  },
  fault(r, { place, id, attrs, loc }) {
    r.noContent(place);
    return { kind: 'fault', id, loc, code: attrs.code?.trim() || 'terminate', message: attrs.message ?? '' };
  },
  assign(r, { place, id, attrs, loc }) {
    const property = (attrs.property ?? '').trim();
    if (attrs.property !== undefined && (!property || isReserved(property))) {
      r.problem(
        place,
        property
          ? `property "${property}" is reserved (names starting with "inst:" belong to the engine)`
          : 'property must not be empty',
        r.attributeOffset(place, 'property'),
      );
    }
    const expression = r.expression(place, ['context']);
    return expression ? { kind: 'assign', id, loc, property, expression } : undefined;
  },
};

/** The root `<process>`: a block. */
export function readProcess(r: Reader, root: Place): ProcessDefinition {
  if (root.element.name !== 'process') {
    r.problem(
      { element: root.element, path: root.element.name },
      `the root element must be <process>, not <${root.element.name}>`,
    );
  }
  const attrs = r.attributes(root);
  const body = blockBody(r, root, '');
  return {
    kind: 'process',
    id: '',
    ...(attrs.name !== undefined && { name: attrs.name }),
    ...body,
    loc: r.loc(root),
    activityCount: r.activityCount,
  };
}

function readActivity(r: Reader, place: Place, kind: ActivityKind, id: string): Activity | undefined {
  r.activityCount++;
  const attrs = r.attributes(place);
  const read = activityReaders[kind] as ActivityReader<ActivityKind>;
  return read(r, { place, id, attrs, loc: r.loc(place) });
}

function readCase(r: Reader, place: Place, id: string): CaseActivity {
  return readActivity(r, place, 'case', id) as CaseActivity;
}

// ── bodies ──────────────────────────────────────────────────────────────────────────────────────────

interface BlockBody {
  context: PropertyDefinition[];
  faults: FaultHandler[];
  activities: Activity[];
}

/** A block's body (process, sequence, all, fault handler): one `<context>` and activities `id_0`, `id_1`, … */
function blockBody(r: Reader, place: Place, id: string): BlockBody {
  return body(r, place, id);
}

/** A block's body that also takes `<condition>`s (case, while, foreach). */
function conditionalBody(r: Reader, place: Place, id: string): BlockBody & { conditions: Condition[] } {
  const conditions: Condition[] = [];
  return { ...body(r, place, id, (child) => readCondition(r, child, ['context'], conditions)), conditions };
}

function body(r: Reader, place: Place, id: string, condition?: (child: Place) => void): BlockBody {
  const out: BlockBody = { context: [], faults: [], activities: [] };
  let contextSeen = false;
  r.children(place, {
    context(child) {
      if (contextSeen) r.problem(child, `<${place.element.name}> has more than one <context>`);
      contextSeen = true;
      const parsed = readContext(r, child, id);
      out.context.push(...parsed.properties);
      out.faults = parsed.faults;
    },
    activity(child, kind) {
      const activity = readActivity(r, child, kind, `${id}_${out.activities.length}`);
      if (activity) out.activities.push(activity);
    },
    ...(condition && { condition }),
  });
  return out;
}

function readCondition(r: Reader, place: Place, names: readonly NameRef[], into: Condition[]): void {
  r.attributes(place);
  const expression = r.expression(place, names);
  if (expression) into.push({ expression, loc: r.loc(place) });
}

// ── <context>: properties and fault handlers ───────────────────────────────────────────────────────

function readContext(
  r: Reader,
  place: Place,
  ownerId: string,
): { properties: PropertyDefinition[]; faults: FaultHandler[] } {
  r.attributes(place);
  r.rejectStrayText(place);
  const properties: PropertyDefinition[] = [];
  let faults: FaultHandler[] = [];
  let faultsSeen = false;
  const names = new Set<string>();
  for (const child of r.childPlaces(place)) {
    if (child.element.name === 'property') {
      const property = readProperty(r, child);
      if (!property) continue;
      if (names.has(property.name))
        r.problem(child, `property "${property.name}" is declared twice in this <context>`);
      names.add(property.name);
      properties.push(property);
    } else if (child.element.name === 'faults') {
      if (faultsSeen) r.problem(child, 'more than one <faults> in this <context>');
      faultsSeen = true;
      faults = readFaults(r, child, `${ownerId}_faults`);
    } else {
      r.problem(child, `<${child.element.name}> is not allowed in <context> (only <property> and <faults>)`);
    }
  }
  return { properties, faults };
}

function readProperty(r: Reader, place: Place): PropertyDefinition | undefined {
  const attrs = r.attributes(place);
  const { text } = r.text(place);
  const { name, type } = attrs;
  if (name === undefined || type === undefined) return undefined;
  if (!name) {
    r.problem(place, 'property name must not be empty', r.attributeOffset(place, 'name'));
    return undefined;
  }
  if (isReserved(name)) {
    r.problem(
      place,
      `property name "${name}" is reserved (names starting with "inst:" belong to the engine)`,
      r.attributeOffset(place, 'name'),
    );
  }
  if (!(PROPERTY_TYPES as readonly string[]).includes(type)) {
    r.problem(
      place,
      `unknown property type "${type}" (expected one of: ${PROPERTY_TYPES.join(', ')})`,
      r.attributeOffset(place, 'type'),
    );
    return undefined;
  }
  const converted = convertProperty(type as PropertyType, text);
  if ('error' in converted) {
    r.problem(place, `value of ${type} property "${name}" ${converted.error}`, place.element.contentStart);
    return undefined;
  }
  return { name, type: type as PropertyType, value: converted.value, loc: r.loc(place) };
}

function readFaults(r: Reader, place: Place, faultsId: string): FaultHandler[] {
  r.attributes(place);
  r.rejectStrayText(place);
  const handlers: FaultHandler[] = [];
  let defaultSeen = false;
  for (const child of r.childPlaces(place)) {
    const id = `${faultsId}_${handlers.length}`;
    if (child.element.name === 'case') {
      const codes = handlerCodes(r, child);
      if (codes) handlers.push(readHandler(r, child, id, codes));
    } else if (child.element.name === 'default') {
      if (defaultSeen) r.problem(child, 'more than one <default> in <faults>');
      defaultSeen = true;
      r.attributes(child);
      handlers.push(readHandler(r, child, id, null));
    } else {
      r.problem(
        child,
        `<${child.element.name}> is not allowed in <faults> (only <case code="…"> and <default>)`,
      );
    }
  }
  return handlers;
}

/** A handler `<case code="A, B">`'s codes; `undefined` (reported) when missing or malformed. */
function handlerCodes(r: Reader, place: Place): string[] | undefined {
  const codeAttr = place.element.attributes.find((a) => a.name === 'code');
  const extra = place.element.attributes.filter((a) => a.name !== 'code' && !isSchemaBinding(a.name));
  for (const a of extra)
    r.problem(place, `unknown attribute "${a.name}" on <case> in <faults> (allowed: code)`, a.offset);
  if (!codeAttr) {
    r.problem(place, 'missing attribute "code"');
    return undefined;
  }
  const codes = codeAttr.value.split(',').map((c) => c.trim());
  if (codes.some((c) => !c)) {
    r.problem(
      place,
      `fault codes must be a comma-separated list of names, got "${codeAttr.value}"`,
      codeAttr.offset,
    );
    return undefined;
  }
  return codes;
}

function readHandler(r: Reader, place: Place, id: string, codes: readonly string[] | null): FaultHandler {
  r.activityCount++;
  return { kind: 'handler', id, codes, ...blockBody(r, place, id), loc: r.loc(place) };
}
