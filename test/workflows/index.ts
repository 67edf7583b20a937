/** The test bundle: the product's workflows plus the hand-written yardsticks. */
export * from '../../workflows';
export * from './handwritten';
