/**
 * The parser's toolkit, shared by every element reader (`grammar.ts`): where an element is (path, line and
 * column), problem reporting, attribute checking, text and expression content, and one walk over an
 * element's children that dispatches each child to the reader of its element class. Pure module.
 */
import { ExpressionSyntaxError, parseExpression, type Expression, type NameRef } from '../expression';
import type { ActivityKind, SourceLocation } from './model';
import type { DefinitionProblem } from './problems';
import { elementText, type DecodedText, type XmlElement } from './xml';

/** The activity elements, in the original engine's list. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  'sequence', 'action', 'switch', 'while', 'all', 'call', 'delay', 'await', 'fault', 'assign', 'foreach',
]; // prettier-ignore
const activitySet = new Set<string>(ACTIVITY_KINDS);

/** Whether `name` is an activity element. */
export const isActivityElement = (name: string): name is ActivityKind => activitySet.has(name);

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
  call: { process: false, definition: false, version: false },
  delay: { duration: true },
  await: { event: true, timeout: false, key: false },
  fault: { code: false, message: false },
  assign: { property: true },
  foreach: { select: true },
};

/**
 * Attributes any element may carry and the model ignores: namespace declarations and the schema hints
 * that bind a definition to `schema/bureaucrat.xsd` in XML editors (`xsi:noNamespaceSchemaLocation`).
 */
export const isSchemaBinding = (name: string): boolean =>
  name.startsWith('xmlns:') || name === 'xsi:noNamespaceSchemaLocation' || name === 'xsi:schemaLocation';

/** Maps offsets to 1-based line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** The line and column of `offset`. */
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

/** Where an element sits: the element and its path. */
export interface Place {
  readonly element: XmlElement;
  readonly path: string;
}

/** The classes of child element a body may accept; each gets its own reader. */
export interface ChildReaders {
  context?(child: Place): void;
  condition?(child: Place): void;
  activity?(child: Place, kind: ActivityKind): void;
  case?(child: Place): void;
}

/** Reads one definition: collects problems, element paths and the activity count. */
export class Reader {
  private readonly paths = new Map<XmlElement, string>();
  /** How many activities (all kinds, handlers included) were read. */
  activityCount = 0;

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly problems: DefinitionProblem[],
  ) {}

  /** The element path of an element read so far. */
  pathOf(element: XmlElement): string {
    return this.paths.get(element) ?? element.name;
  }

  /** The root's place. */
  root(element: XmlElement): Place {
    this.paths.set(element, 'process');
    return { element, path: 'process' };
  }

  /** Reports a problem at the element (or at `offset` within it). */
  problem(place: Place, message: string, offset = place.element.offset): void {
    this.problems.push({ ...this.lines.position(offset), path: place.path, message });
  }

  /** Whether a problem was reported at or inside the element. */
  hasProblemAt(place: Place): boolean {
    return this.problems.some((p) => p.path.startsWith(place.path));
  }

  /** The element's source location. */
  loc(place: Place): SourceLocation {
    return { ...this.lines.position(place.element.offset), path: place.path };
  }

  /** The element's children with their paths (`parent/name[n]`, n counting siblings of that name). */
  childPlaces(parent: Place): Place[] {
    const seen = new Map<string, number>();
    return parent.element.children.map((element) => {
      const n = (seen.get(element.name) ?? 0) + 1;
      seen.set(element.name, n);
      const path = `${parent.path}/${element.name}[${n}]`;
      this.paths.set(element, path);
      return { element, path };
    });
  }

  /**
   * Walks the element's children once, giving each to the reader of its class; a child no reader takes
   * is reported (by `rejected`, or with the message saying where it belongs). Stray text is reported too.
   */
  children(place: Place, readers: ChildReaders, rejected?: (child: Place) => string): void {
    this.rejectStrayText(place);
    for (const child of this.childPlaces(place)) {
      const name = child.element.name;
      if (name === 'context' && readers.context) readers.context(child);
      else if (name === 'condition' && readers.condition) readers.condition(child);
      else if (name === 'case' && readers.case) readers.case(child);
      else if (isActivityElement(name) && readers.activity) readers.activity(child, name);
      else this.problem(child, rejected?.(child) ?? misplaced(name, place.element.name));
    }
  }

  /** Checks attributes against the element's allowed ones; returns the values by name. */
  attributes(place: Place): Record<string, string> {
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

  /** Where attribute `name` starts (the element, when it is absent). */
  attributeOffset(place: Place, name: string): number {
    return place.element.attributes.find((a) => a.name === name)?.offset ?? place.element.offset;
  }

  /** The element takes no content: every child and any text is a problem. */
  noContent(place: Place): void {
    for (const child of this.childPlaces(place)) {
      this.problem(
        child,
        `<${child.element.name}> is not allowed inside <${place.element.name}> (it takes no content)`,
      );
    }
    this.rejectStrayText(place);
  }

  /** Text between child elements is a problem. */
  rejectStrayText(place: Place): void {
    if (place.element.strayText) {
      this.problem(place, `unexpected text "${place.element.strayText}" inside <${place.element.name}>`);
    }
  }

  /** The element's text content (child elements are problems). */
  text(place: Place): DecodedText {
    for (const child of this.childPlaces(place)) {
      this.problem(
        child,
        `<${child.element.name}> is not allowed inside <${place.element.name}> (it holds text)`,
      );
    }
    return elementText(this.source, place.element, (offset, message) => this.problem(place, message, offset));
  }

  /** The element's text as an expression that may read `names`; `undefined` (reported) when invalid. */
  expression(place: Place, names: readonly NameRef[]): Expression | undefined {
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

  /**
   * An optional attribute holding an expression over `names`: its parsed form, or `undefined` when absent
   * or invalid (then reported at the attribute, with the expression and the error's position in it).
   */
  attributeExpression(
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

  /**
   * An optional attribute holding a positive number of seconds (decimals allowed): its value, or
   * `undefined` when absent or invalid (then reported at the attribute).
   */
  positiveSeconds(place: Place, attrs: Record<string, string>, name: string): number | undefined {
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
}

/** Why a child element is not allowed where it is. */
function misplaced(name: string, parent: string): string {
  switch (name) {
    case 'context':
      return `<context> is not allowed in <${parent}> (only <case> elements are; a case may have one)`;
    case 'condition':
      return `<condition> is not allowed in <${parent}> (only in case, while, await and foreach)`;
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
  if (isActivityElement(name)) return `<${name}> is not allowed in <${parent}> (only <case> elements are)`;
  return `unknown element <${name}> (expected one of: context, ${ACTIVITY_KINDS.join(', ')})`;
}
