// Imports quorumkit/ring under the page's Content-Security-Policy and reports
// whether a call into the module works, or what it throws (and its cause).
import * as ring from '/node_modules/quorumkit/ring/index.js';

let result;
try {
  result = { crc32: ring.crc32('123456789') };
} catch (e) {
  result = { error: e.message, cause: e.cause?.name };
}
document.body.dataset.result = JSON.stringify(result);
