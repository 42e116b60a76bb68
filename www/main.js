// The page shell: one tab per algorithm, each panel a module in panels/.
// Nothing here computes an algorithm; panels call the quorumkit package.
import { version } from 'quorumkit';
import * as hashing from './panels/hashing.js';
import * as ring from './panels/ring.js';
import * as bloom from './panels/bloom.js';
import * as raft from './panels/raft.js';
import * as snowflake from './panels/snowflake.js';

const panels = [ring, bloom, raft, snowflake, hashing];
const tabs = document.getElementById('tabs');
const main = document.getElementById('panels');

function select(id) {
  for (const p of panels) {
    const on = p.id === id;
    document.getElementById(`tab-${p.id}`).setAttribute('aria-selected', String(on));
    document.getElementById(`tab-${p.id}`).tabIndex = on ? 0 : -1;
    document.getElementById(`panel-${p.id}`).hidden = !on;
  }
  if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
}

for (const p of panels) {
  const tab = document.createElement('button');
  tab.id = `tab-${p.id}`;
  tab.role = 'tab';
  tab.textContent = p.title;
  tab.setAttribute('aria-controls', `panel-${p.id}`);
  tab.addEventListener('click', () => select(p.id));
  tabs.append(tab);

  const section = document.createElement('section');
  section.id = `panel-${p.id}`;
  section.className = 'panel';
  section.role = 'tabpanel';
  section.setAttribute('aria-labelledby', tab.id);
  section.dataset.panel = p.id;
  main.append(section);
  p.mount(section);
}

// Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
tabs.addEventListener('keydown', (e) => {
  const i = panels.findIndex((p) => document.getElementById(`tab-${p.id}`) === document.activeElement);
  if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
  const next = panels[(i + (e.key === 'ArrowRight' ? 1 : panels.length - 1)) % panels.length];
  select(next.id);
  document.getElementById(`tab-${next.id}`).focus();
});

const start = location.hash.slice(1);
select(panels.some((p) => p.id === start) ? start : panels[0].id);

// Version from the module itself; wasm size from the browser's own record of the download.
const wasmEntry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const size = wasmEntry?.decodedBodySize
  ? ` · wasm ${kb(wasmEntry.decodedBodySize)}${wasmEntry.encodedBodySize && wasmEntry.encodedBodySize !== wasmEntry.decodedBodySize ? ` (${kb(wasmEntry.encodedBodySize)} transferred)` : ''}`
  : '';
const meta = document.getElementById('meta');
meta.textContent = `quorumkit ${version()}${size}`;
meta.dataset.version = version();
document.body.dataset.ready = 'true';
