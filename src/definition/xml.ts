/**
 * Reads definition XML safely into a small element tree that remembers where everything is.
 *
 * fast-xml-parser does the parsing (document order preserved, element offsets captured); this module
 * adds what a definition reader needs on top: the limits (size, depth, element count), a refusal of
 * DOCTYPE and entity declarations (no billion laughs, no external entities), decoding of exactly the five
 * predefined entities and character references, and source offsets for attributes and text, so every
 * problem can point at a line and column.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The largest definition accepted, in UTF-8 bytes. */
export const MAX_DEFINITION_BYTES = 5 * 1024 * 1024;
/** The deepest element nesting accepted. */
export const MAX_DEPTH = 200;
/** The most elements accepted. */
export const MAX_ELEMENTS = 100_000;

/** An attribute, its decoded value and where its name starts. */
export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  readonly offset: number;
}

/** An element with source offsets. */
export interface XmlElement {
  readonly name: string;
  /** Offset of the element's `<`. */
  readonly offset: number;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Offset just after the start tag's `>`, where the content begins. */
  readonly contentStart: number;
  /** `<x/>`: no content and no end tag. */
  readonly selfClosing: boolean;
  /** Non-whitespace text directly inside the element (outside child elements), if any. */
  readonly strayText?: string;
}

/** A problem found while reading, located by offset. */
export interface XmlProblem {
  readonly offset: number;
  readonly message: string;
  /** When known (XML validator), the 1-based position directly. */
  readonly line?: number;
  readonly column?: number;
  /** The element the problem is about, if any. */
  readonly element?: XmlElement;
}

/** A text with, for each of its characters, the source offset it was decoded from. */
export interface DecodedText {
  readonly text: string;
  readonly offsets: readonly number[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  processEntities: false,
  htmlEntities: false,
  captureMetaData: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  maxNestedTags: MAX_DEPTH + 1,
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

type RawNode = Record<string, unknown>;

/** The UTF-8 size of a string, computed without Node's Buffer (this module runs in the workflow sandbox). */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Parses `source` into an element tree. Returns the root element, or `undefined` with the problems that
 * made the text unreadable (size, DOCTYPE, malformed XML). Problems inside a readable tree (undefined
 * entities) come back with the root.
 */
export function readXml(source: string): { root?: XmlElement; problems: XmlProblem[] } {
  if (source.length > MAX_DEFINITION_BYTES || utf8Length(source) > MAX_DEFINITION_BYTES) {
    return {
      problems: [{ offset: 0, message: `definition larger than ${MAX_DEFINITION_BYTES / 1024 / 1024} MB` }],
    };
  }
  const declaration = /<!(DOCTYPE|ENTITY)\b/i.exec(blankCommentsAndCdata(source));
  if (declaration) {
    return {
      problems: [
        {
          offset: declaration.index,
          message: `${declaration[1].toUpperCase()} declarations are not allowed (entity expansion and external entities are unsafe)`,
        },
      ],
    };
  }
  const depthProblem = checkDepth(source);
  if (depthProblem) return { problems: [depthProblem] };

  const valid = XMLValidator.validate(source, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { problems: [{ offset: 0, line, column: col, message: `malformed XML: ${msg}` }] };
  }
  let raw: RawNode[];
  try {
    raw = parser.parse(source) as RawNode[];
  } catch (err) {
    return { problems: [{ offset: 0, message: `malformed XML: ${(err as Error).message}` }] };
  }
  const problems: XmlProblem[] = [];
  const builder = new TreeBuilder(source, problems);
  const roots = builder.build(raw);
  if (builder.elementCount > MAX_ELEMENTS) {
    return { problems: [{ offset: 0, message: `definition has more than ${MAX_ELEMENTS} elements` }] };
  }
  if (roots.length !== 1) {
    return {
      problems: [{ offset: 0, message: roots.length ? 'more than one root element' : 'no root element' }],
    };
  }
  return { root: roots[0], problems };
}

/** Replaces comments and CDATA sections with spaces, so a scan for declarations ignores them. */
function blankCommentsAndCdata(source: string): string {
  return source.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length));
}

/**
 * Counts element depth with a quick scan before any real parsing, so a deeply nested document is refused
 * with a clear message instead of exhausting a parser.
 */
function checkDepth(source: string): XmlProblem | undefined {
  let depth = 0;
  const tags = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g;
  for (let m = tags.exec(source); m; m = tags.exec(source)) {
    if (m[2] === undefined) continue;
    if (m[1]) depth--;
    else if (!m[3]) {
      depth++;
      if (depth > MAX_DEPTH)
        return { offset: m.index, message: `elements nested deeper than ${MAX_DEPTH} levels` };
    }
  }
  return undefined;
}

class TreeBuilder {
  elementCount = 0;

  constructor(
    private readonly source: string,
    private readonly problems: XmlProblem[],
  ) {}

  build(nodes: RawNode[]): XmlElement[] {
    const elements: XmlElement[] = [];
    for (const node of nodes) {
      const name = Object.keys(node).find((k) => k !== ':@');
      if (!name || name.startsWith('#')) continue;
      if (++this.elementCount > MAX_ELEMENTS) return elements;
      elements.push(this.element(name, node));
    }
    return elements;
  }

  private element(name: string, node: RawNode): XmlElement {
    const meta = node[META] as { startIndex: number } | undefined;
    const offset = meta?.startIndex ?? 0;
    const tagEnd = this.startTagEnd(offset);
    const selfClosing = this.source[tagEnd - 1] === '/';
    const contentStart = tagEnd + 1;
    const rawChildren = (node[name] as RawNode[] | undefined) ?? [];
    const children = this.build(rawChildren);
    const element: XmlElement = {
      name,
      offset,
      attributes: [],
      children,
      contentStart,
      selfClosing,
      ...strayText(rawChildren),
    };
    const rawAttributes = (node[':@'] as Record<string, string> | undefined) ?? {};
    (element.attributes as XmlAttribute[]).push(
      ...Object.entries(rawAttributes).map(([attr, value]) => {
        const at = this.attributeOffset(offset, tagEnd, attr);
        const quote = this.source.slice(at, tagEnd).search(/["']/);
        const valueStart = quote === -1 ? at : at + quote + 1;
        const decoded = decodeEntities(value, valueStart, (o, m) =>
          this.problems.push({ offset: o, message: m, element }),
        );
        return { name: attr, value: decoded.text, offset: at };
      }),
    );
    return element;
  }

  /** The offset of the `>` that ends the start tag at `offset`, skipping quoted attribute values. */
  private startTagEnd(offset: number): number {
    let quote = '';
    for (let i = offset + 1; i < this.source.length; i++) {
      const c = this.source[i];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') return i;
    }
    return this.source.length - 1;
  }

  private attributeOffset(tagStart: number, tagEnd: number, attr: string): number {
    for (
      let i = this.source.indexOf(attr, tagStart);
      i !== -1 && i < tagEnd;
      i = this.source.indexOf(attr, i + 1)
    ) {
      const before = this.source[i - 1];
      const after = this.source.slice(i + attr.length, i + attr.length + 8).trimStart();
      if ((before === ' ' || before === '\t' || before === '\n' || before === '\r') && after.startsWith('='))
        return i;
    }
    return tagStart;
  }
}

function strayText(children: RawNode[]): { strayText?: string } {
  let text = '';
  for (const child of children) {
    if ('#text' in child) text += String(child['#text']);
    else if ('#cdata' in child) text += 'CDATA';
  }
  const trimmed = text.trim();
  return trimmed ? { strayText: trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed } : {};
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and character references in `raw` (which starts at source offset
 * `base`); any other entity is reported through `problem` and kept as written.
 */
export function decodeEntities(
  raw: string,
  base: number,
  problem: (offset: number, message: string) => void,
): DecodedText {
  if (!raw.includes('&')) return { text: raw, offsets: [] };
  let text = '';
  const offsets: number[] = [];
  const push = (s: string, at: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) offsets.push(at);
  };
  for (let i = 0; i < raw.length;) {
    if (raw[i] !== '&') {
      push(raw[i], base + i);
      i++;
      continue;
    }
    const end = raw.indexOf(';', i);
    const name = end > i ? raw.slice(i + 1, end) : '';
    let decoded: string | undefined;
    if (PREDEFINED[name] !== undefined && Object.prototype.hasOwnProperty.call(PREDEFINED, name))
      decoded = PREDEFINED[name];
    else if (/^#[0-9]+$/.test(name) || /^#x[0-9a-fA-F]+$/.test(name)) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code < 0xe000))
        decoded = String.fromCodePoint(code);
    }
    if (decoded === undefined) {
      const shown = end > i && end - i < 40 ? raw.slice(i, end + 1) : '&';
      problem(
        base + i,
        `undefined entity ${shown} (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)`,
      );
      push('&', base + i);
      i++;
      continue;
    }
    push(decoded, base + i);
    i = end + 1;
  }
  return { text, offsets };
}

/** Where the end tag of `element` starts, counting nested elements of the same name. */
function contentEnd(source: string, element: XmlElement): number {
  if (element.selfClosing) return element.contentStart;
  const tags = new RegExp(
    `<(/?)${element.name.replace(/[.]/g, '\\.')}(?=[\\s/>])[^>]*?(/?)>|<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>`,
    'g',
  );
  tags.lastIndex = element.contentStart;
  let depth = 1;
  for (let m = tags.exec(source); m; m = tags.exec(source)) {
    if (m[1] === undefined) continue; // comment or CDATA
    if (m[1]) depth--;
    else if (!m[2]) depth++;
    if (depth === 0) return m.index;
  }
  return source.length;
}

/**
 * The text content of a text-only element (`<condition>`, `<assign>`, `<property>`): CDATA kept
 * verbatim, comments dropped, entities decoded; with per-character source offsets for error positions.
 */
export function elementText(
  source: string,
  element: XmlElement,
  problem: (offset: number, message: string) => void,
): DecodedText {
  const raw = source.slice(element.contentStart, contentEnd(source, element));
  if (!raw.includes('&') && !raw.includes('<')) {
    return { text: raw, offsets: [] };
  }
  let text = '';
  const offsets: number[] = [];
  const piece = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<[^>]*>/g;
  let last = 0;
  const addDecoded = (from: number, to: number) => {
    const part = decodeEntities(raw.slice(from, to), element.contentStart + from, problem);
    text += part.text;
    if (part.offsets.length) offsets.push(...part.offsets);
    else for (let k = from; k < to; k++) offsets.push(element.contentStart + k);
  };
  for (let m = piece.exec(raw); m; m = piece.exec(raw)) {
    addDecoded(last, m.index);
    if (m[1] !== undefined) {
      text += m[1];
      const start = element.contentStart + m.index + 9;
      for (let k = 0; k < m[1].length; k++) offsets.push(start + k);
    }
    last = m.index + m[0].length;
  }
  addDecoded(last, raw.length);
  return { text, offsets };
}
