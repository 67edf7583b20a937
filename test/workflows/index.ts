/** The test bundle: the product's workflows, the hand-written yardsticks and the foundation's proofs. */
export * from '../../workflows';
export * from './handwritten';
export * from './hello';
