// README doctest: every ```js block of README.md runs as written (imports
// included, against pkg/ as `quorumkit`), in README order, in one working
// folder; and where a line is an expression statement whose comment starts
// with a value (`crc32('123456789'); // 0xcbf43926`, `taken.has('dave'); //
// false: certainly free`), the statement's value must be that value. A decimal
// is checked to the digits it states (`// 1.59` holds for 1.5893); `Uint8Array
// [0, 1]` is a Uint8Array of those bytes. A comment that does not start with a
// value (`// a bigint, e.g. 1234567890123456789n`, `// { leader, index }`,
// which names fields rather than values) is prose and is not checked.
//
// Blocks run in a folder with `public/` (where the server example writes) and
// `examples/` (the repository's); a block that starts with `// Browser:` gets
// a `fetch` that serves that `public/` folder, as the page's server would. A
// block that starts with `// build: esbuild …` needs that bundler and a
// browser: it is reported as skipped here (tests/env/runtimes.test.mjs runs
// the same configuration).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';

/** The ```js blocks of `markdown`: { line (1-based, of the fence), code (dedented) }. */
export function jsBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)```js\s*$/);
    if (!open) continue;
    const indent = open[1].length;
    const start = i;
    const code = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) code.push(lines[i].slice(Math.min(indent, lines[i].search(/\S|$/))));
    blocks.push({ line: start + 1, code });
  }
  return blocks;
}

/** The end (exclusive) of the bracketed or quoted literal at the start of `s`, or -1. */
function literalEnd(s) {
  const close = { '[': ']', '{': '}' };
  if (s[0] === '"' || s[0] === "'") {
    const end = s.indexOf(s[0], 1);
    return end < 0 ? -1 : end + 1;
  }
  if (!(s[0] in close)) return -1;
  const stack = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c in close) {
      stack.push(close[c]);
    } else if (c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The value a comment states, as `{ source, value, digits, bytes }`, or null
 * if the comment does not start with a value.
 */
export function statedValue(comment) {
  let s = comment.trim();
  let bytes = false;
  if (s.startsWith('Uint8Array [')) {
    bytes = true;
    s = s.slice('Uint8Array '.length);
  }
  let source = null;
  const simple = s.match(/^(-?0x[0-9a-f]+|-?\d[\d_]*(\.\d+)?(e-?\d+)?n?|true|false|null)(?![\w.])/i);
  if (simple) {
    source = simple[1];
  } else {
    const end = literalEnd(s);
    if (end > 0 && !/^[\w.]/.test(s.slice(end))) source = s.slice(0, end);
  }
  if (source === null) return null;
  let value;
  try {
    value = Function(`"use strict"; return (${source});`)();
  } catch {
    return null; // names fields (`{ leader, index }`) rather than stating values
  }
  const digits = /^-?\d+\.(\d+)$/.exec(source)?.[1].length ?? null;
  return { source, value, digits, bytes };
}

/** Expression statements may be checked; declarations, imports and control flow may not. */
const NOT_EXPRESSION = /^(const|let|var|import|export|return|if|for|while|function|class|await\s+import|\}|\/\/)/;

/**
 * The block's code with each checkable line `expr; // value` turned into a
 * check of the value, and how many it checks.
 */
export function instrument(block) {
  let checks = 0;
  const code = block.code.map((text, i) => {
    const m = text.match(/^(\s*)(.+?);\s*\/\/\s*(.*)$/);
    if (!m || NOT_EXPRESSION.test(m[2])) return text;
    const stated = statedValue(m[3]);
    if (!stated) return text;
    checks++;
    const where = `README.md:${block.line + 1 + i}`;
    return `${m[1]}__readmeCheck(${JSON.stringify(where)}, (${m[2]}), ${stated.source}, ${stated.digits}, ${stated.bytes});`;
  });
  return { code: code.join('\n'), checks };
}

const CHECK = `
import { deepStrictEqual } from 'node:assert';
globalThis.__readmeCheck = (where, actual, stated, digits, bytes) => {
  if (bytes) {
    if (!(actual instanceof Uint8Array)) throw new Error(\`\${where}: a Uint8Array, got \${actual}\`);
    actual = Array.from(actual);
  }
  if (digits !== null) {
    if (typeof actual !== 'number' || Math.abs(actual - stated) > 0.5 * 10 ** -digits + 1e-12) {
      throw new Error(\`\${where}: the README says \${stated}, the code gives \${actual}\`);
    }
    return;
  }
  try {
    deepStrictEqual(actual, stated);
  } catch (e) {
    throw new Error(\`\${where}: the README says \${JSON.stringify(stated, (k, v) => typeof v === 'bigint' ? v + 'n' : v)}, the code gives \${String(e.message)}\`);
  }
};
`;

const FETCH_PUBLIC = `
import { readFileSync as __readPublic } from 'node:fs';
globalThis.fetch = async (url) => new Response(__readPublic(new URL('public' + url, import.meta.url)));
`;

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = jsBlocks(readme);
// Under target/ so that `quorumkit` and the dev dependencies resolve from the workspace.
const dir = join(root, 'target', 'readme-doctest');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'public'), { recursive: true });
symlinkSync(join(root, 'examples'), join(dir, 'examples'), 'dir');
writeFileSync(join(dir, 'check.mjs'), CHECK);

test('the README has ```js blocks, and their comments state values to check', () => {
  assert.ok(blocks.length >= 10, `${blocks.length} blocks`);
  assert.ok(blocks.reduce((n, b) => n + instrument(b).checks, 0) >= 15, 'values stated in comments');
});

for (const block of blocks) {
  const { code, checks } = instrument(block);
  const first = block.code[0] ?? '';
  const stated = checks === 1 ? ', and the value it states holds' : `, and the ${checks} values it states hold`;
  test(`README.md:${block.line}: runs as written${checks ? stated : ''}`, (t) => {
    if (first.startsWith('// build: esbuild')) {
      return t.skip('needs an esbuild bundle in a browser; tests/env/runtimes.test.mjs runs this configuration');
    }
    const file = join(dir, `block-${block.line}.mjs`);
    const prelude = `import './check.mjs';\n${first.startsWith('// Browser:') ? FETCH_PUBLIC : ''}`;
    writeFileSync(file, `${prelude}${code}\n`);
    execFileSync(process.execPath, [file], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
  });
}
