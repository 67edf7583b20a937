/**
 * The test bundle: the product's workflows, the hand-written yardsticks, the alternatives the benchmark
 * compares with (a DSL-sample-style interpreter, plain workflows) and the foundation's proofs.
 */
export * from '../../workflows';
export * from './handwritten';
export * from './alternatives';
export * from './hello';
