/**
 * The syntax tree of a parsed expression. Plain JSON data (no classes, no functions), so a parsed
 * definition can travel as a workflow input and be stored in histories unchanged.
 */

/** A literal constant. Floats are tagged so that `2.0` stays a float after a JSON round trip. */
export type Constant =
  | { readonly type: 'none' }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: number }
  /** An int literal beyond ±2^53, kept as its decimal digits. */
  | { readonly type: 'bigint'; readonly digits: string }
  /** `inf` for literals that overflow (`1e400`); JSON has no infinity. */
  | { readonly type: 'float'; readonly value: number | 'inf' }
  | { readonly type: 'str'; readonly value: string };

/** The only names an expression may read. */
export type NameRef = 'context' | 'event';

/** The builtin functions an expression may call. */
export const BUILTIN_NAMES = [
  'len',
  'str',
  'int',
  'float',
  'bool',
  'abs',
  'min',
  'max',
  'round',
  'sorted',
  'sum',
  'any',
  'all',
] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

/** A keyword argument of a builtin call, e.g. `reverse=True` in `sorted(x, reverse=True)`. */
export interface KeywordArgument {
  readonly name: string;
  readonly value: Node;
}

/** One node of the tree. `at` is the node's character offset in the expression text. */
export type Node =
  | { readonly kind: 'const'; readonly at: number; readonly value: Constant }
  | { readonly kind: 'name'; readonly at: number; readonly name: NameRef }
  | { readonly kind: 'list'; readonly at: number; readonly items: readonly Node[] }
  | { readonly kind: 'tuple'; readonly at: number; readonly items: readonly Node[] }
  | {
      readonly kind: 'dict';
      readonly at: number;
      readonly keys: readonly Node[];
      readonly values: readonly Node[];
    }
  | { readonly kind: 'subscript'; readonly at: number; readonly target: Node; readonly index: Node }
  | {
      readonly kind: 'slice';
      readonly at: number;
      readonly target: Node;
      readonly lower: Node | null;
      readonly upper: Node | null;
      readonly step: Node | null;
    }
  | {
      readonly kind: 'call';
      readonly at: number;
      readonly callee: BuiltinName;
      readonly args: readonly Node[];
      readonly keywords: readonly KeywordArgument[];
    }
  /** `target.get(key[, default])`, the one method expressions may call. */
  | { readonly kind: 'get'; readonly at: number; readonly target: Node; readonly args: readonly Node[] }
  | { readonly kind: 'unary'; readonly at: number; readonly op: '-' | '+' | 'not'; readonly operand: Node }
  | {
      readonly kind: 'binary';
      readonly at: number;
      readonly op: BinaryOperator;
      readonly left: Node;
      readonly right: Node;
    }
  | { readonly kind: 'and' | 'or'; readonly at: number; readonly left: Node; readonly right: Node }
  | {
      readonly kind: 'compare';
      readonly at: number;
      readonly left: Node;
      readonly ops: readonly CompareOperator[];
      readonly comparators: readonly Node[];
    }
  | {
      readonly kind: 'ifelse';
      readonly at: number;
      readonly test: Node;
      readonly body: Node;
      readonly orelse: Node;
    };

/** A parsed expression: its source text (for error messages) and its tree. */
export interface Expression {
  readonly source: string;
  readonly tree: Node;
}
