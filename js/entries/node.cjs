'use strict';
// CommonJS entry point of quorumkit: the exports of every subpath's CommonJS
// entry, merged. The values are the subpaths' own, so
// require('quorumkit').BloomFilter === require('quorumkit/bloom').BloomFilter.
const snowflake = require('./snowflake/node.cjs');

module.exports = {
  ...snowflake,
  ...require('./bloom/node.cjs'),
  ...require('./ring/node.cjs'),
  ...require('./raft/node.cjs'),
  ...require('./raft-sim/node.cjs'),
  // Every subpath has a `version`; the root's is Snowflake's, as in node.mjs.
  version: snowflake.version,
};
