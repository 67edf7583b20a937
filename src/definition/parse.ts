/**
 * `parseDefinition`: Bureaucrat XML → a validated {@link ProcessDefinition}. It reports every problem in
 * one go (each with line, column, element path and a plain message) and returns a model only when there is
 * none. Pure module: the interpreter workflow validates `call`ed sub-processes with it.
 */
import { ExpressionSyntaxError, parseExpression, type Expression, type NameRef } from '../expression';
import { FLOAT_TEXT, INT_TEXT } from '../expression/builtins';
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
import { lintDefinition, type DefinitionWarning, type LintOptions } from './lint';
import { DefinitionError, type DefinitionProblem } from './problems';
import { elementText, readXml, type DecodedText, type XmlElement } from './xml';

/** Options for {@link parseDefinition}. */
export interface ParseDefinitionOptions {
  /** File name for error messages. */
  readonly source?: string;
}

/** The activity elements, in the original engine's list. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  'sequence', 'action', 'switch', 'while', 'all', 'call', 'delay', 'await', 'fault', 'assign', 'foreach',
]; // prettier-ignore
const activitySet = new Set<string>(ACTIVITY_KINDS);

/** Attributes each element accepts; `true` marks required ones. */
const ATTRIBUTES: Record<string, Record<string, boolean>> = {
  process: { name: false },
  context: {},
  property: { name: true, type: true },
  faults: {},
  default: {},
  sequence: {},
  action: { participant: true, queue: false, timeout: false, retries: false, heartbeat: false },
  switch: {},
  case: {},
  condition: {},
  while: {},
  all: {},
  call: { process: true },
  delay: { duration: true },
  await: { event: true, timeout: false, key: false },
  fault: { code: false, message: false },
  assign: { property: true },
  foreach: { select: true },
};

/** `retries="…"`: a whole number of at most four digits (the schema checks the same). */
const RETRIES_TEXT = /^\d{1,4}$/;

const PROPERTY_REFERENCE = /^\$([^\s$]+)$/;

/**
 * Attributes any element may carry and the model ignores: namespace declarations and the schema hints
 * that bind a definition to `schema/bureaucrat.xsd` in XML editors (`xsi:noNamespaceSchemaLocation`).
 */
const isSchemaBinding = (name: string): boolean =>
  name.startsWith('xmlns:') || name === 'xsi:noNamespaceSchemaLocation' || name === 'xsi:schemaLocation';

/**
 * Parses and validates a definition. Throws {@link DefinitionError} listing every problem found; never
 * throws anything else for any input. It does not lint (the interpreter validates every `call`ed
 * definition with it, where warnings would be noise): {@link checkDefinition} does.
 */
export function parseDefinition(xml: string, options: ParseDefinitionOptions = {}): ProcessDefinition {
  const { definition, problems } = readDefinition(xml);
  if (!definition) throw new DefinitionError(problems, options.source);
  return definition;
}

/** Options of {@link checkDefinition}: what the lint checks the definition against. */
export type CheckDefinitionOptions = Omit<LintOptions, 'source'>;

/**
 * Like {@link parseDefinition} but returns the problems instead of throwing, and for a valid definition
 * the lint's warnings (see `lint/`), silencing directives applied. Never throws.
 */
export function checkDefinition(
  xml: string,
  options: CheckDefinitionOptions = {},
): {
  definition?: ProcessDefinition;
  problems: DefinitionProblem[];
  warnings: DefinitionWarning[];
} {
  const { definition, problems } = readDefinition(xml);
  return {
    definition,
    problems,
    warnings: definition ? lintDefinition(definition, { ...options, source: xml }) : [],
  };
}

function readDefinition(xml: string): {
  definition?: ProcessDefinition;
  problems: DefinitionProblem[];
} {
  if (typeof xml !== 'string') {
    return { problems: [{ line: 0, column: 0, path: '', message: 'definition must be XML text' }] };
  }
  const lines = new LineIndex(xml);
  const read = readXml(xml);
  const problems: DefinitionProblem[] = read.problems.map((p) => {
    const pos = p.line !== undefined ? { line: p.line, column: p.column ?? 0 } : lines.position(p.offset);
    return { ...pos, path: '', message: p.message };
  });
  if (!read.root) return { problems };
  const builder = new ModelBuilder(xml, lines, problems);
  const definition = builder.process(read.root);
  // Entity problems found while reading belong to elements whose paths only the builder knows.
  for (const [i, p] of read.problems.entries()) {
    if (p.element) problems[i] = { ...problems[i], path: builder.pathOf(p.element) };
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.length ? { problems } : { definition, problems };
}

/** Maps offsets to 1-based line and column. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** Where an element sits: its path and its source location. */
interface Place {
  readonly element: XmlElement;
  readonly path: string;
}

class ModelBuilder {
  private readonly paths = new Map<XmlElement, string>();
  private activityCount = 0;

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly problems: DefinitionProblem[],
  ) {}

  pathOf(element: XmlElement): string {
    return this.paths.get(element) ?? element.name;
  }

  // --- reporting -------------------------------------------------------------------------------------

  private problem(place: Place, message: string, offset = place.element.offset): void {
    this.problems.push({ ...this.lines.position(offset), path: place.path, message });
  }

  private loc(place: Place): SourceLocation {
    return { ...this.lines.position(place.element.offset), path: place.path };
  }

  private childPlaces(parent: Place): Place[] {
    const seen = new Map<string, number>();
    return parent.element.children.map((element) => {
      const n = (seen.get(element.name) ?? 0) + 1;
      seen.set(element.name, n);
      const path = `${parent.path}/${element.name}[${n}]`;
      this.paths.set(element, path);
      return { element, path };
    });
  }

  /** Checks attributes against {@link ATTRIBUTES}; returns the decoded values by name. */
  private attributes(place: Place): Record<string, string> {
    const allowed = ATTRIBUTES[place.element.name] ?? {};
    const values: Record<string, string> = {};
    for (const attr of place.element.attributes) {
      if (isSchemaBinding(attr.name)) continue;
      if (!Object.prototype.hasOwnProperty.call(allowed, attr.name)) {
        const known = Object.keys(allowed);
        this.problem(
          place,
          `unknown attribute "${attr.name}" on <${place.element.name}>` +
            (known.length ? ` (allowed: ${known.join(', ')})` : ' (it takes none)'),
          attr.offset,
        );
      } else {
        values[attr.name] = attr.value;
      }
    }
    for (const [name, required] of Object.entries(allowed)) {
      if (required && values[name] === undefined) this.problem(place, `missing attribute "${name}"`);
    }
    return values;
  }

  private attributeOffset(place: Place, name: string): number {
    return place.element.attributes.find((a) => a.name === name)?.offset ?? place.element.offset;
  }

  private noContent(place: Place): void {
    for (const child of this.childPlaces(place)) {
      this.problem(
        child,
        `<${child.element.name}> is not allowed inside <${place.element.name}> (it takes no content)`,
      );
    }
    this.rejectStrayText(place);
  }

  private rejectStrayText(place: Place): void {
    if (place.element.strayText) {
      this.problem(place, `unexpected text "${place.element.strayText}" inside <${place.element.name}>`);
    }
  }

  private text(place: Place): DecodedText {
    for (const child of this.childPlaces(place)) {
      this.problem(
        child,
        `<${child.element.name}> is not allowed inside <${place.element.name}> (it holds text)`,
      );
    }
    return elementText(this.source, place.element, (offset, message) => this.problem(place, message, offset));
  }

  private expression(place: Place, names: readonly NameRef[]): Expression | undefined {
    const decoded = this.text(place);
    if (!decoded.text.trim()) {
      this.problem(place, `<${place.element.name}> needs an expression`);
      return undefined;
    }
    try {
      return parseExpression(decoded.text, { names });
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      const at = decoded.offsets.length
        ? (decoded.offsets[Math.min(err.offset, decoded.offsets.length - 1)] ?? place.element.contentStart)
        : place.element.contentStart + err.offset;
      this.problem(place, `invalid expression ${JSON.stringify(decoded.text.trim())}: ${err.reason}`, at);
      return undefined;
    }
  }

  // --- the grammar -----------------------------------------------------------------------------------

  process(root: XmlElement): ProcessDefinition {
    const place: Place = { element: root, path: 'process' };
    this.paths.set(root, 'process');
    if (root.name !== 'process') {
      this.problem(
        { element: root, path: root.name },
        `the root element must be <process>, not <${root.name}>`,
      );
    }
    const attrs = this.attributes(place);
    const { context, faults, activities } = this.complexBody(place, '', new Set());
    return {
      kind: 'process',
      id: '',
      ...(attrs.name !== undefined && { name: attrs.name }),
      context,
      faults,
      activities,
      loc: this.loc(place),
      activityCount: this.activityCount,
    };
  }

  /**
   * The body of a complex activity: `<context>` (properties and faults), conditions where `conditions`
   * says they are allowed, and child activities with ids `id_0`, `id_1`, …
   */
  private complexBody(
    place: Place,
    id: string,
    allowed: ReadonlySet<'condition' | 'case'>,
    conditionNames: readonly NameRef[] = ['context'],
  ) {
    const context: PropertyDefinition[] = [];
    let faults: FaultHandler[] = [];
    const conditions: Condition[] = [];
    const activities: Activity[] = [];
    const cases: CaseActivity[] = [];
    let contextSeen = false;
    this.rejectStrayText(place);
    for (const child of this.childPlaces(place)) {
      const name = child.element.name;
      if (name === 'context' && allowed.has('case')) {
        this.problem(
          child,
          '<context> is not allowed in <switch> (only <case> elements are; a case may have one)',
        );
      } else if (name === 'context') {
        if (contextSeen) this.problem(child, `<${place.element.name}> has more than one <context>`);
        contextSeen = true;
        const parsed = this.contextSection(child, id);
        context.push(...parsed.properties);
        faults = parsed.faults;
      } else if (name === 'condition') {
        if (!allowed.has('condition')) {
          this.problem(
            child,
            `<condition> is not allowed in <${place.element.name}> (only in case, while, await and foreach)`,
          );
          continue;
        }
        this.attributes(child);
        const expression = this.expression(child, conditionNames);
        if (expression) conditions.push({ expression, loc: this.loc(child) });
      } else if (name === 'case' && allowed.has('case')) {
        cases.push(this.caseActivity(child, `${id}_${cases.length}`));
      } else if (activitySet.has(name) && !allowed.has('case')) {
        const activity = this.activity(child, `${id}_${activities.length}`);
        if (activity) activities.push(activity);
      } else {
        this.problem(child, this.misplaced(name, place.element.name));
      }
    }
    return { context, faults, conditions, activities, cases };
  }

  private misplaced(name: string, parent: string): string {
    switch (name) {
      case 'case':
        return `<case> is only allowed in <switch> or <faults>, not in <${parent}>`;
      case 'default':
        return `<default> is only allowed in <faults>, not in <${parent}>`;
      case 'property':
      case 'faults':
        return `<${name}> is only allowed in <context>, not in <${parent}>`;
      case 'process':
        return '<process> is only allowed as the root element';
    }
    if (activitySet.has(name)) return `<${name}> is not allowed in <${parent}> (only <case> elements are)`;
    return `unknown element <${name}> (expected one of: context, ${ACTIVITY_KINDS.join(', ')})`;
  }

  private contextSection(
    place: Place,
    ownerId: string,
  ): { properties: PropertyDefinition[]; faults: FaultHandler[] } {
    this.attributes(place);
    this.rejectStrayText(place);
    const properties: PropertyDefinition[] = [];
    let faults: FaultHandler[] = [];
    let faultsSeen = false;
    const names = new Set<string>();
    for (const child of this.childPlaces(place)) {
      if (child.element.name === 'property') {
        const property = this.property(child);
        if (!property) continue;
        if (names.has(property.name))
          this.problem(child, `property "${property.name}" is declared twice in this <context>`);
        names.add(property.name);
        properties.push(property);
      } else if (child.element.name === 'faults') {
        if (faultsSeen) this.problem(child, 'more than one <faults> in this <context>');
        faultsSeen = true;
        faults = this.faultsSection(child, `${ownerId}_faults`);
      } else {
        this.problem(
          child,
          `<${child.element.name}> is not allowed in <context> (only <property> and <faults>)`,
        );
      }
    }
    return { properties, faults };
  }

  private property(place: Place): PropertyDefinition | undefined {
    const attrs = this.attributes(place);
    const { text } = this.text(place);
    const { name, type } = attrs;
    if (name === undefined || type === undefined) return undefined;
    if (!name) {
      this.problem(place, 'property name must not be empty', this.attributeOffset(place, 'name'));
      return undefined;
    }
    if (isReserved(name)) {
      this.problem(
        place,
        `property name "${name}" is reserved (names starting with "inst:" belong to the engine)`,
        this.attributeOffset(place, 'name'),
      );
    }
    if (!(PROPERTY_TYPES as readonly string[]).includes(type)) {
      this.problem(
        place,
        `unknown property type "${type}" (expected one of: ${PROPERTY_TYPES.join(', ')})`,
        this.attributeOffset(place, 'type'),
      );
      return undefined;
    }
    const converted = convertProperty(type as PropertyType, text);
    if ('error' in converted) {
      this.problem(
        place,
        `value of ${type} property "${name}" ${converted.error}`,
        place.element.contentStart,
      );
      return undefined;
    }
    return { name, type: type as PropertyType, value: converted.value, loc: this.loc(place) };
  }

  private faultsSection(place: Place, faultsId: string): FaultHandler[] {
    this.attributes(place);
    this.rejectStrayText(place);
    const handlers: FaultHandler[] = [];
    let defaultSeen = false;
    for (const child of this.childPlaces(place)) {
      const id = `${faultsId}_${handlers.length}`;
      if (child.element.name === 'case') {
        const codeAttr = child.element.attributes.find((a) => a.name === 'code');
        const extra = child.element.attributes.filter((a) => a.name !== 'code' && !isSchemaBinding(a.name));
        for (const a of extra)
          this.problem(
            child,
            `unknown attribute "${a.name}" on <case> in <faults> (allowed: code)`,
            a.offset,
          );
        if (!codeAttr) {
          this.problem(child, 'missing attribute "code"');
          continue;
        }
        const codes = codeAttr.value.split(',').map((c) => c.trim());
        if (codes.some((c) => !c)) {
          this.problem(
            child,
            `fault codes must be a comma-separated list of names, got "${codeAttr.value}"`,
            codeAttr.offset,
          );
          continue;
        }
        handlers.push(this.handler(child, id, codes));
      } else if (child.element.name === 'default') {
        if (defaultSeen) this.problem(child, 'more than one <default> in <faults>');
        defaultSeen = true;
        this.attributes(child);
        handlers.push(this.handler(child, id, null));
      } else {
        this.problem(
          child,
          `<${child.element.name}> is not allowed in <faults> (only <case code="…"> and <default>)`,
        );
      }
    }
    return handlers;
  }

  private handler(place: Place, id: string, codes: readonly string[] | null): FaultHandler {
    this.activityCount++;
    const body = this.complexBody(place, id, new Set());
    return {
      kind: 'handler',
      id,
      codes,
      context: body.context,
      faults: body.faults,
      activities: body.activities,
      loc: this.loc(place),
    };
  }

  private caseActivity(place: Place, id: string): CaseActivity {
    this.activityCount++;
    this.attributes(place);
    const body = this.complexBody(place, id, new Set(['condition']));
    if (!body.conditions.length && !this.hasProblemAt(place)) {
      this.problem(
        place,
        '<case> needs at least one <condition> (use <condition>True</condition> for a catch-all)',
      );
    }
    return {
      kind: 'case',
      id,
      conditions: body.conditions,
      context: body.context,
      faults: body.faults,
      activities: body.activities,
      loc: this.loc(place),
    };
  }

  private hasProblemAt(place: Place): boolean {
    return this.problems.some((p) => p.path.startsWith(place.path));
  }

  private activity(place: Place, id: string): Activity | undefined {
    this.activityCount++;
    const kind = place.element.name as ActivityKind;
    const attrs = this.attributes(place);
    const loc = this.loc(place);
    switch (kind) {
      case 'sequence':
      case 'all': {
        const { context, faults, activities } = this.complexBody(place, id, new Set());
        return { kind, id, loc, context, faults, activities };
      }
      case 'while': {
        const { context, faults, activities, conditions } = this.complexBody(
          place,
          id,
          new Set(['condition']),
        );
        if (!conditions.length && !this.hasProblemAt(place))
          this.problem(place, '<while> needs at least one <condition>');
        return { kind, id, loc, context, faults, activities, conditions };
      }
      case 'foreach': {
        const { context, faults, activities, conditions } = this.complexBody(
          place,
          id,
          new Set(['condition']),
        );
        const select = (attrs.select ?? '').split('.');
        if (attrs.select !== undefined && select.some((s) => !s.trim())) {
          this.problem(
            place,
            `select must be a dotted path like "items" or "order.lines", got "${attrs.select}"`,
            this.attributeOffset(place, 'select'),
          );
        }
        return {
          kind,
          id,
          loc,
          context,
          faults,
          activities,
          conditions,
          select: select.map((s) => s.trim()),
        };
      }
      case 'switch': {
        const { cases } = this.complexBody(place, id, new Set(['case']));
        return { kind, id, loc, cases };
      }
      case 'action': {
        this.noContent(place);
        const participant = (attrs.participant ?? '').trim();
        if (attrs.participant !== undefined && !participant) {
          this.problem(place, 'participant must not be empty', this.attributeOffset(place, 'participant'));
        }
        const queue = attrs.queue?.trim();
        if (attrs.queue !== undefined && !queue) {
          this.problem(place, 'queue must not be empty', this.attributeOffset(place, 'queue'));
        }
        const timeout = this.positiveSeconds(place, attrs, 'timeout');
        const heartbeat = this.positiveSeconds(place, attrs, 'heartbeat');
        let retries: number | undefined;
        if (attrs.retries !== undefined) {
          const text = attrs.retries.trim();
          if (RETRIES_TEXT.test(text)) retries = Number(text);
          else
            this.problem(
              place,
              `retries must be a whole number from 0 to 9999 (attempts after the first), got "${attrs.retries}"`,
              this.attributeOffset(place, 'retries'),
            );
        }
        return {
          kind,
          id,
          loc,
          participant,
          ...(queue && { queue }),
          ...(timeout !== undefined && { timeout }),
          ...(retries !== undefined && { retries }),
          ...(heartbeat !== undefined && { heartbeat }),
        };
      }
      case 'call': {
        this.noContent(place);
        const ref = PROPERTY_REFERENCE.exec((attrs.process ?? '').trim());
        if (attrs.process !== undefined && !ref) {
          this.problem(
            place,
            `process must name a context property holding the definition, like "$subprocess", got "${attrs.process}"`,
            this.attributeOffset(place, 'process'),
          );
        }
        return { kind, id, loc, property: ref?.[1] ?? '' };
      }
      case 'delay': {
        this.noContent(place);
        const text = (attrs.duration ?? '').trim();
        const seconds = Number(text);
        if (attrs.duration !== undefined && (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(seconds))) {
          this.problem(
            place,
            `duration must be a non-negative number of seconds, got "${attrs.duration}"`,
            this.attributeOffset(place, 'duration'),
          );
        }
        return { kind, id, loc, seconds: Number.isFinite(seconds) ? seconds : 0 };
      }
      case 'await': {
        const { conditions } = this.complexBody(place, id, new Set(['condition']), ['context', 'event']);
        this.rejectNonConditions(place);
        const event = (attrs.event ?? '').trim();
        if (attrs.event !== undefined && !event)
          this.problem(place, 'event must not be empty', this.attributeOffset(place, 'event'));
        const timeout = this.positiveSeconds(place, attrs, 'timeout');
        const key = this.attributeExpression(place, attrs, 'key', ['context']);
        return {
          kind,
          id,
          loc,
          event,
          conditions,
          ...(timeout !== undefined && { timeout }),
          ...(key !== undefined && { key }),
        };
      }
      case 'fault':
        this.noContent(place);
        return { kind, id, loc, code: attrs.code?.trim() || 'terminate', message: attrs.message ?? '' };
      case 'assign': {
        const property = (attrs.property ?? '').trim();
        if (attrs.property !== undefined && (!property || isReserved(property))) {
          this.problem(
            place,
            property
              ? `property "${property}" is reserved (names starting with "inst:" belong to the engine)`
              : 'property must not be empty',
            this.attributeOffset(place, 'property'),
          );
        }
        const expression = this.expression(place, ['context']);
        return expression ? { kind, id, loc, property, expression } : undefined;
      }
    }
  }

  /**
   * An optional attribute holding a positive number of seconds (decimals allowed): its value, or
   * `undefined` when absent or invalid (then reported at the attribute).
   */
  private positiveSeconds(place: Place, attrs: Record<string, string>, name: string): number | undefined {
    const raw = attrs[name];
    if (raw === undefined) return undefined;
    const text = raw.trim();
    const seconds = Number(text);
    if (/^\d+(\.\d+)?$/.test(text) && Number.isFinite(seconds) && seconds > 0) return seconds;
    this.problem(
      place,
      `${name} must be a positive number of seconds, got "${raw}"`,
      this.attributeOffset(place, name),
    );
    return undefined;
  }

  /**
   * An optional attribute holding an expression over `names`: its parsed form, or `undefined` when absent
   * or invalid (then reported at the attribute, with the expression and the error's position in it).
   */
  private attributeExpression(
    place: Place,
    attrs: Record<string, string>,
    name: string,
    names: readonly NameRef[],
  ): Expression | undefined {
    const text = attrs[name];
    if (text === undefined) return undefined;
    const at = this.attributeOffset(place, name);
    if (!text.trim()) {
      this.problem(place, `${name} must not be empty (an expression such as context['order_id'])`, at);
      return undefined;
    }
    try {
      return parseExpression(text, { names });
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      const where = `${name}="${text}"`;
      this.problem(place, `invalid expression in ${where} at position ${err.offset + 1}: ${err.reason}`, at);
      return undefined;
    }
  }

  /** `<await>` holds conditions only: the complex-body walk accepted activities and context, which it must not. */
  private rejectNonConditions(place: Place): void {
    for (const child of place.element.children) {
      if (child.name !== 'condition') {
        const path = this.pathOf(child);
        this.problems.push({
          ...this.lines.position(child.offset),
          path,
          message: `<${child.name}> is not allowed in <await> (only <condition>)`,
        });
      }
    }
  }
}

/** Converts a property's text to its type, the way the original engine did (and without its defects). */
export function convertProperty(type: PropertyType, text: string): { value: unknown } | { error: string } {
  switch (type) {
    case 'str':
      return { value: text }; // the original turned empty text into "None"; here it is ""
    case 'int': {
      if (!INT_TEXT.test(text)) return { error: `is not an integer: "${text.trim()}"` };
      const n = BigInt(text.trim().replace(/_/g, ''));
      if (n > 9007199254740991n || n < -9007199254740991n)
        return { error: 'is outside the JSON-safe integer range (±2^53)' };
      return { value: Number(n) };
    }
    case 'float': {
      if (!FLOAT_TEXT.test(text)) return { error: `is not a number: "${text.trim()}"` };
      const f = Number(text.trim().replace(/_/g, ''));
      return Number.isFinite(f) ? { value: f } : { error: 'is not a finite number' };
    }
    case 'bool': {
      const t = text.trim();
      if (INT_TEXT.test(t)) return { value: Number(t.replace(/_/g, '')) !== 0 };
      if (/^(true|false)$/i.test(t)) return { value: t.toLowerCase() === 'true' };
      return { error: `must be 0 or 1 (or true/false), got "${t}"` };
    }
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch (err) {
        return { error: `is not valid JSON: ${(err as Error).message}` };
      }
  }
}
