export * from '../dist/cjs/subpaths/SUBPATH.js';
