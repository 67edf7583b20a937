/**
 * A recursive-descent parser for the Python expression subset that Bureaucrat definitions use. It follows
 * Python's grammar and precedence (`a if c else b` < `or` < `and` < `not` < comparisons < `+ -` <
 * `* / // %` < unary `- +` < `**` < subscripts and calls), and rejects at parse time anything that could
 * reach outside the data: names other than `context`/`event`, attribute access other than `.get(...)`,
 * calls of anything but the safe builtins, lambdas and comprehensions.
 *
 * Over 400 lines on purpose: one method per precedence level, each calling the next, so the grammar reads
 * in one place in Python's order; split across modules, the mutual recursion would cross them.
 */
import {
  BUILTIN_NAMES,
  type BinaryOperator,
  type BuiltinName,
  type CompareOperator,
  type Expression,
  type KeywordArgument,
  type NameRef,
  type Node,
} from './ast';
import { ExpressionSyntaxError } from './errors';
import { tokenize, type Token } from './lexer';

/** Options for {@link parseExpression}. */
export interface ParseOptions {
  /** Names the expression may read. Default: `context` only; `await` conditions also get `event`. */
  readonly names?: readonly NameRef[];
}

/** The longest expression accepted, a guard against pathological input. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** The deepest nesting accepted (brackets, unary operators, chained `if`), so parsing cannot overflow the stack. */
const MAX_NESTING = 100;

const KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield', 'None', 'True', 'False',
]); // prettier-ignore

/** Keyword arguments each builtin accepts. */
const BUILTIN_KEYWORDS: Partial<Record<BuiltinName, readonly string[]>> = {
  sorted: ['reverse'],
  min: ['default'],
  max: ['default'],
  sum: ['start'],
  round: ['ndigits'],
};

const builtinSet = new Set<string>(BUILTIN_NAMES);

/**
 * Parses expression text into a tree. Leading and trailing whitespace (XML indentation) is ignored.
 * Throws {@link ExpressionSyntaxError} with the offending position.
 */
export function parseExpression(source: string, options: ParseOptions = {}): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionSyntaxError(
      `expression longer than ${MAX_EXPRESSION_LENGTH} characters`,
      0,
      source.slice(0, 60),
    );
  }
  const parser = new Parser(source, tokenize(source), options.names ?? ['context']);
  return { source: source.trim(), tree: parser.parseTop() };
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly names: readonly NameRef[],
  ) {}

  parseTop(): Node {
    if (this.peek().t === 'end') this.fail('empty expression');
    const node = this.expressionList('end');
    if (this.peek().t !== 'end') this.fail(`unexpected ${this.describe(this.peek())}`);
    return node;
  }

  // --- token helpers -------------------------------------------------------------------------------

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.t !== 'end') this.pos++;
    return token;
  }

  private isOp(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.t === 'op' && token.value === value;
  }

  private isWord(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.t === 'name' && token.value === value;
  }

  private expectOp(value: string): Token {
    if (!this.isOp(value))
      this.fail(`expected ${JSON.stringify(value)} but found ${this.describe(this.peek())}`);
    return this.next();
  }

  private describe(token: Token): string {
    if (token.t === 'end') return 'end of expression';
    if (token.t === 'str') return 'a string';
    if (token.t === 'num') return 'a number';
    return JSON.stringify(token.value);
  }

  private fail(reason: string, at = this.peek().at): never {
    throw new ExpressionSyntaxError(reason, at, this.source);
  }

  private nest<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) this.fail(`expression nested deeper than ${MAX_NESTING} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  // --- grammar ---------------------------------------------------------------------------------------

  /** `expr (',' expr)* [',']` — a bare comma list is a tuple, as in Python. */
  private expressionList(closer: string): Node {
    const at = this.peek().at;
    const first = this.expression();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.atCloser(closer)) break;
      items.push(this.expression());
    }
    return { kind: 'tuple', at, items };
  }

  private atCloser(closer: string): boolean {
    return closer === 'end' ? this.peek().t === 'end' : this.isOp(closer);
  }

  private expression(): Node {
    return this.nest(() => {
      if (this.isWord('lambda')) this.fail('lambda is not supported');
      if (this.isWord('yield') || this.isWord('await'))
        this.fail(`${(this.peek() as { value: string }).value} is not supported`);
      const at = this.peek().at;
      const body = this.orTest();
      if (!this.isWord('if')) return body;
      this.next();
      const test = this.orTest();
      if (!this.isWord('else')) this.fail('expected "else" in conditional expression');
      this.next();
      const orelse = this.expression();
      return { kind: 'ifelse', at, test, body, orelse };
    });
  }

  private orTest(): Node {
    return this.booleanChain('or', () => this.andTest());
  }

  private andTest(): Node {
    return this.booleanChain('and', () => this.notTest());
  }

  /** `operand (word operand)*`, left-associative: `a or b or c` is `(a or b) or c`. */
  private booleanChain(word: 'and' | 'or', operand: () => Node): Node {
    let left = operand();
    while (this.isWord(word)) {
      const at = this.next().at;
      left = { kind: word, at, left, right: operand() };
    }
    return left;
  }

  private notTest(): Node {
    if (this.isWord('not')) {
      const at = this.next().at;
      return this.nest(() => ({ kind: 'unary', at, op: 'not', operand: this.notTest() }));
    }
    return this.comparison();
  }

  private comparison(): Node {
    const at = this.peek().at;
    const left = this.arith();
    const ops: CompareOperator[] = [];
    const comparators: Node[] = [];
    for (;;) {
      const op = this.compareOperator();
      if (!op) break;
      ops.push(op);
      comparators.push(this.arith());
    }
    return ops.length ? { kind: 'compare', at, left, ops, comparators } : left;
  }

  private compareOperator(): CompareOperator | undefined {
    const token = this.peek();
    if (token.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(token.value)) {
      this.next();
      return token.value as CompareOperator;
    }
    if (this.isWord('in')) {
      this.next();
      return 'in';
    }
    if (this.isWord('not') && this.isWord('in', 1)) {
      this.pos += 2;
      return 'not in';
    }
    if (this.isWord('is')) {
      this.next();
      if (this.isWord('not')) {
        this.next();
        return 'is not';
      }
      return 'is';
    }
    return undefined;
  }

  private arith(): Node {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const token = this.next() as { at: number; value: BinaryOperator };
      left = { kind: 'binary', at: token.at, op: token.value, left, right: this.term() };
    }
    return left;
  }

  private term(): Node {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const token = this.next() as { at: number; value: BinaryOperator };
      left = { kind: 'binary', at: token.at, op: token.value, left, right: this.factor() };
    }
    return left;
  }

  private factor(): Node {
    if (this.isOp('-') || this.isOp('+')) {
      const token = this.next() as { at: number; value: '-' | '+' };
      return this.nest(() => ({ kind: 'unary', at: token.at, op: token.value, operand: this.factor() }));
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    if (!this.isOp('**')) return base;
    const at = this.next().at;
    return this.nest(() => ({ kind: 'binary', at, op: '**', left: base, right: this.factor() }));
  }

  private primary(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp('[')) {
        node = this.subscript(node);
      } else if (this.isOp('.')) {
        const dot = this.next();
        const name = this.next();
        if (name.t !== 'name') this.fail('expected a method name after "."', dot.at);
        if (name.value !== 'get' || !this.isOp('(')) {
          this.fail(
            `attribute access is not allowed (only .get(key[, default]) on dicts): .${name.value}`,
            dot.at,
          );
        }
        const { args, keywords } = this.callArguments();
        if (keywords.length) this.fail('.get() takes no keyword arguments', keywords[0].value.at);
        if (args.length < 1 || args.length > 2)
          this.fail(`.get() takes 1 or 2 arguments (${args.length} given)`, dot.at);
        node = { kind: 'get', at: dot.at, target: node, args };
      } else if (this.isOp('(')) {
        this.fail('only the builtins may be called', this.peek().at);
      } else {
        return node;
      }
    }
  }

  private subscript(target: Node): Node {
    const open = this.expectOp('[');
    return this.nest(() => {
      let lower: Node | null = null;
      if (!this.isOp(':')) {
        lower = this.expressionList(']');
        if (this.isOp(']')) {
          this.next();
          return { kind: 'subscript', at: open.at, target, index: lower };
        }
      }
      this.expectOp(':');
      const upper = this.isOp(':') || this.isOp(']') ? null : this.expression();
      let step: Node | null = null;
      if (this.isOp(':')) {
        this.next();
        step = this.isOp(']') ? null : this.expression();
      }
      this.expectOp(']');
      return { kind: 'slice', at: open.at, target, lower, upper, step };
    });
  }

  private callArguments(): { args: Node[]; keywords: KeywordArgument[] } {
    this.expectOp('(');
    return this.nest(() => {
      const args: Node[] = [];
      const keywords: KeywordArgument[] = [];
      while (!this.isOp(')')) {
        if (this.isOp('*') || this.isOp('**')) this.fail('argument unpacking is not supported');
        if (this.peek().t === 'name' && this.isOp('=', 1)) {
          const name = this.next() as { at: number; value: string };
          this.next();
          if (keywords.some((k) => k.name === name.value))
            this.fail(`keyword argument repeated: ${name.value}`, name.at);
          keywords.push({ name: name.value, value: this.expression() });
        } else {
          if (keywords.length) this.fail('positional argument follows keyword argument');
          args.push(this.expression());
        }
        if (this.isWord('for')) this.fail('comprehensions are not supported');
        if (!this.isOp(',')) break;
        this.next();
      }
      this.expectOp(')');
      return { args, keywords };
    });
  }

  private atom(): Node {
    const token = this.peek();
    switch (token.t) {
      case 'num':
        this.next();
        return { kind: 'const', at: token.at, value: token.value };
      case 'str': {
        let value = '';
        while (this.peek().t === 'str') value += (this.next() as { value: string }).value; // "a" "b" → "ab"
        return { kind: 'const', at: token.at, value: { type: 'str', value } };
      }
      case 'name':
        return this.name(token);
      case 'op':
        if (token.value === '(') return this.parenthesised();
        if (token.value === '[') return this.listDisplay();
        if (token.value === '{') return this.dictDisplay();
        return this.fail(`unexpected ${this.describe(token)}`);
      case 'end':
        return this.fail('unexpected end of expression');
    }
  }

  private name(token: { at: number; value: string }): Node {
    this.next();
    const { at, value } = token;
    if (value === 'None') return { kind: 'const', at, value: { type: 'none' } };
    if (value === 'True' || value === 'False')
      return { kind: 'const', at, value: { type: 'bool', value: value === 'True' } };
    if ((this.names as readonly string[]).includes(value))
      return { kind: 'name', at, name: value as NameRef };
    if (builtinSet.has(value)) {
      if (!this.isOp('(')) this.fail(`builtin ${value}() can only be called`, at);
      const { args, keywords } = this.callArguments();
      const allowed = BUILTIN_KEYWORDS[value as BuiltinName] ?? [];
      for (const k of keywords) {
        if (!allowed.includes(k.name))
          this.fail(`${value}() got an unexpected keyword argument '${k.name}'`, k.value.at);
      }
      return { kind: 'call', at, callee: value as BuiltinName, args, keywords };
    }
    if (KEYWORDS.has(value)) return this.fail(`"${value}" is not supported here`, at);
    const readable = this.names.map((n) => `"${n}"`).join(' and ');
    return this.fail(`unknown name "${value}" (expressions can read ${readable} and call the builtins)`, at);
  }

  private parenthesised(): Node {
    const open = this.next();
    return this.nest(() => {
      if (this.isOp(')')) {
        this.next();
        return { kind: 'tuple', at: open.at, items: [] };
      }
      const inner = this.expressionList(')');
      if (this.isWord('for')) this.fail('generator expressions are not supported');
      this.expectOp(')');
      return inner;
    });
  }

  private listDisplay(): Node {
    const open = this.next();
    return this.nest(() => {
      const items: Node[] = [];
      while (!this.isOp(']')) {
        items.push(this.expression());
        if (this.isWord('for')) this.fail('list comprehensions are not supported');
        if (!this.isOp(',')) break;
        this.next();
      }
      this.expectOp(']');
      return { kind: 'list', at: open.at, items };
    });
  }

  private dictDisplay(): Node {
    const open = this.next();
    return this.nest(() => {
      const keys: Node[] = [];
      const values: Node[] = [];
      while (!this.isOp('}')) {
        if (this.isOp('**')) this.fail('dict unpacking is not supported');
        keys.push(this.expression());
        if (!this.isOp(':'))
          this.fail(this.isOp(',') || this.isOp('}') ? 'set literals are not supported' : 'expected ":"');
        this.next();
        values.push(this.expression());
        if (this.isWord('for')) this.fail('dict comprehensions are not supported');
        if (!this.isOp(',')) break;
        this.next();
      }
      this.expectOp('}');
      return { kind: 'dict', at: open.at, keys, values };
    });
  }
}
