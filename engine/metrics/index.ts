export * from './classification.ts';
export * from './calibration.ts';
export * from './regression.ts';
export * from './disparity.ts';
export * from './sparsity.ts';
export * from './flops.ts';
export * from './recovery.ts';
export * from './unit-recovery.ts';
