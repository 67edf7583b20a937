/**
 * Splits expression text into Python tokens. Only what the supported subset needs is recognised;
 * everything else (bitwise operators, f-strings, bytes, complex numbers, …) is reported as unsupported at
 * its position, so definition authors learn at load time, not at run time.
 */
import type { Constant } from './ast';
import { ExpressionSyntaxError } from './errors';

export type Token =
  | { readonly t: 'num'; readonly at: number; readonly value: Constant }
  | { readonly t: 'str'; readonly at: number; readonly value: string }
  | { readonly t: 'name'; readonly at: number; readonly value: string }
  | { readonly t: 'op'; readonly at: number; readonly value: string }
  | { readonly t: 'end'; readonly at: number };

const OPERATORS = [
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  '=',
];
const UNSUPPORTED_OPERATORS = ['<<', '>>', ':=', '->', '&', '|', '^', '~', '@', ';', '!'];

const isDigit = (c: string) => c >= '0' && c <= '9';
const isNameStart = (c: string) =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c > '\x7f';
const isNameChar = (c: string) => isNameStart(c) || isDigit(c);

/** Tokenises `source`; throws {@link ExpressionSyntaxError} at the first bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (reason: string, at: number): never => {
    throw new ExpressionSyntaxError(reason, at, source);
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') fail('comments are not allowed in expressions', i);
    if (c === '\\') fail('line continuations are not allowed in expressions', i);
    const start = i;
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      const [value, end] = readNumber(source, i, fail);
      tokens.push({ t: 'num', at: start, value });
      i = end;
      continue;
    }
    if (isNameStart(c)) {
      while (i < source.length && isNameChar(source[i])) i++;
      const word = source.slice(start, i);
      const quote = source[i];
      if ((quote === '"' || quote === "'") && /^[rRuUbBfF]{1,2}$/.test(word)) {
        const prefix = word.toLowerCase();
        if (prefix.includes('f')) fail('f-strings are not supported', start);
        if (prefix.includes('b')) fail('bytes literals are not supported', start);
        const [value, end] = readString(source, i, prefix.includes('r'), fail);
        tokens.push({ t: 'str', at: start, value });
        i = end;
        continue;
      }
      tokens.push({ t: 'name', at: start, value: word });
      continue;
    }
    if (c === '"' || c === "'") {
      const [value, end] = readString(source, i, false, fail);
      tokens.push({ t: 'str', at: start, value });
      i = end;
      continue;
    }
    const unsupported = UNSUPPORTED_OPERATORS.find(
      (op) => source.startsWith(op, i) && !source.startsWith('!=', i),
    );
    if (unsupported) fail(`operator ${JSON.stringify(unsupported)} is not supported`, i);
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) fail(`unexpected character ${JSON.stringify(c)}`, i);
    tokens.push({ t: 'op', at: start, value: op as string });
    i += (op as string).length;
  }
  tokens.push({ t: 'end', at: source.length });
  return tokens;
}

function readNumber(
  source: string,
  i: number,
  fail: (reason: string, at: number) => never,
): [Constant, number] {
  const start = i;
  const radix = /^0[xXoObB]/.test(source.slice(i, i + 2)) ? source[i + 1].toLowerCase() : '';
  if (radix) {
    const digits = radix === 'x' ? /[0-9a-fA-F_]/ : radix === 'o' ? /[0-7_]/ : /[01_]/;
    i += 2;
    while (i < source.length && digits.test(source[i])) i++;
    const text = source.slice(start + 2, i);
    if (!/^_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(text)) fail('invalid number literal', start);
    if (isNameChar(source[i] ?? '')) fail('invalid number literal', start);
    return [intConstant(BigInt(`0${radix}${text.replace(/_/g, '')}`)), i];
  }
  const match = /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?/.exec(source.slice(i));
  const text = match?.[0] ?? '';
  i += text.length;
  const next = source[i] ?? '';
  if (next === 'j' || next === 'J') fail('complex numbers are not supported', start);
  if (!text || isNameChar(next) || next === '.') fail('invalid number literal', start);
  const clean = text.replace(/_/g, '');
  if (/[.eE]/.test(clean)) {
    const value = Number(clean);
    return [{ type: 'float', value: Number.isFinite(value) ? value : 'inf' }, i];
  }
  if (/^0+\d/.test(clean)) fail('leading zeros in decimal integer literals are not permitted', start);
  return [intConstant(BigInt(clean)), i];
}

function intConstant(n: bigint): Constant {
  return n <= 9007199254740991n
    ? { type: 'int', value: Number(n) }
    : { type: 'bigint', digits: n.toString() };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function readString(
  source: string,
  i: number,
  raw: boolean,
  fail: (reason: string, at: number) => never,
): [string, number] {
  const start = i;
  const quote = source[i];
  const triple = source.startsWith(quote.repeat(3), i);
  const closing = triple ? quote.repeat(3) : quote;
  i += closing.length;
  let out = '';
  for (;;) {
    if (i >= source.length) fail('unterminated string literal', start);
    if (source.startsWith(closing, i)) return [out, i + closing.length];
    const c = source[i];
    if (c === '\n' && !triple) fail('unterminated string literal', start);
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = source[i + 1] ?? '';
    if (raw) {
      out += c + e;
      i += 2;
      continue;
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = source.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`truncated \\${e} escape`, i);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) fail(`illegal Unicode character in \\${e} escape`, i);
      out += String.fromCodePoint(code);
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const oct = /^[0-7]{1,3}/.exec(source.slice(i + 1))?.[0] ?? e;
      out += String.fromCodePoint(parseInt(oct, 8));
      i += 1 + oct.length;
    } else if (e === 'N') {
      fail('\\N{...} escapes are not supported', i);
    } else {
      out += c + e; // Python keeps unknown escapes as they are
      i += 2;
    }
  }
}
