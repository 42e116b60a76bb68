export * from '../dist/subpaths/SUBPATH.js';
