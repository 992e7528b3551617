export * from './descriptive.js';
export * from './random.js';
export * from './bootstrap.js';
export * from './normal.js';
export * from './mann-whitney.js';
export * from './effect-size.js';
export * from './direction.js';
export * from './compare.js';
