'use strict';
// CommonJS entry point of quorumkit: the exports of every subpath's CommonJS
// entry, merged. The values are the subpaths' own, so
// require('quorumkit').BloomFilter === require('quorumkit/bloom').BloomFilter.
// `init` and `initSync` are the root's (js/src/index.ts has the ES module twin):
// they take an object keyed by subpath name.
const subpaths = {
  snowflake: require('./snowflake/node.cjs'),
  bloom: require('./bloom/node.cjs'),
  ring: require('./ring/node.cjs'),
  raft: require('./raft/node.cjs'),
  'raft-sim': require('./raft-sim/node.cjs'),
};

function checkObject(name, value) {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name} must be an object keyed by subpath name, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Whether a subpath's module is loaded: its `version()` calls into it, and throws if not. */
function loaded(subpath) {
  try {
    subpath.version();
    return true;
  } catch {
    return false;
  }
}

async function init(sources = {}) {
  checkObject('sources', sources);
  await Promise.all(Object.entries(subpaths).map(([name, s]) => s.init(sources[name])));
}

function initSync(modules) {
  checkObject('modules', modules);
  for (const [name, s] of Object.entries(subpaths)) {
    if (modules[name] !== undefined) s.initSync(modules[name]);
    else if (!loaded(s)) throw new TypeError(`modules['${name}'] is missing, and the ${name} module is not loaded yet`);
  }
}

module.exports = {
  ...subpaths.snowflake,
  ...subpaths.bloom,
  ...subpaths.ring,
  ...subpaths.raft,
  ...subpaths['raft-sim'],
  // Every subpath has a `version`; the root's is Snowflake's, as in dist/index.js.
  version: subpaths.snowflake.version,
  init,
  initSync,
};
