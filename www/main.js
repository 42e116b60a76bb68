// The page shell: one tab per algorithm, each panel a module in panels/.
// Nothing here computes an algorithm; panels call the quorumkit package.
//
// A panel's module (and with it its quorumkit subpath and that subpath's wasm
// module) is imported when the panel is first opened, so the first panel is
// interactive after one module's download, not five.
// `uses` is the quorumkit subpath the panel imports (already loaded once the panel is).
const panels = [
  { id: 'ring', title: 'Ring', load: () => import('./panels/ring.js'), uses: () => import('quorumkit/ring') },
  { id: 'bloom', title: 'Bloom', load: () => import('./panels/bloom.js'), uses: () => import('quorumkit/bloom') },
  { id: 'raft', title: 'Raft', load: () => import('./panels/raft.js'), uses: () => import('quorumkit/raft-sim') },
  { id: 'snowflake', title: 'Snowflake', load: () => import('./panels/snowflake.js'), uses: () => import('quorumkit/snowflake') },
  { id: 'hashing', title: 'Hashes', load: () => import('./panels/hashing.js'), uses: () => import('quorumkit/ring') },
];
const tabs = document.getElementById('tabs');
const main = document.getElementById('panels');
const meta = document.getElementById('meta');

/** Shows panel `id` and selects its tab; `keepHash` leaves a longer hash (#raft?…) for the panel to read. */
function show(id, keepHash = false) {
  for (const p of panels) {
    const on = p.id === id;
    document.getElementById(`tab-${p.id}`).setAttribute('aria-selected', String(on));
    document.getElementById(`tab-${p.id}`).tabIndex = on ? 0 : -1;
    document.getElementById(`panel-${p.id}`).hidden = !on;
  }
  if (!keepHash && location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
}

/** Imports and mounts panel `p` once; resolves when it is interactive. */
function mounted(p) {
  p.mounted ??= p.load().then(async (mod) => {
    if (mod.id !== p.id) throw new Error(`panels/${p.id}.js exports id ${mod.id}`);
    const section = document.getElementById(`panel-${p.id}`);
    section.replaceChildren();
    mod.mount(section);
    section.dataset.ready = 'true';
    await showModules(p);
  });
  return p.mounted;
}

function select(id) {
  show(id);
  mounted(panels.find((p) => p.id === id));
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
  section.hidden = true;
  section.innerHTML = '<p class="explain">Loading…</p>';
  main.append(section);
}

// Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
tabs.addEventListener('keydown', (e) => {
  const i = panels.findIndex((p) => document.getElementById(`tab-${p.id}`) === document.activeElement);
  if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
  const next = panels[(i + (e.key === 'ArrowRight' ? 1 : panels.length - 1)) % panels.length];
  select(next.id);
  document.getElementById(`tab-${next.id}`).focus();
});

/** The wasm modules the page can load: one per subpath, the Raft panel's Live mode adding RaftNode's. */
const MODULES = 5;

/**
 * The version, read from the module of panel `p` (just mounted), and the wasm downloaded
 * so far, from the browser's own record of each module's download.
 */
async function showModules(p) {
  const { version } = await p.uses();
  const wasm = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'));
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const decoded = wasm.reduce((s, e) => s + e.decodedBodySize, 0);
  const encoded = wasm.reduce((s, e) => s + e.encodedBodySize, 0);
  const size = decoded
    ? ` · wasm ${kb(decoded)}${encoded && encoded !== decoded ? ` (${kb(encoded)} transferred)` : ''}, ${wasm.length} of ${MODULES} modules`
    : '';
  meta.textContent = `quorumkit ${version()}${size}`;
  meta.dataset.version = version();
}

// The panel named by the hash (#raft, or a shared #raft?… link), else the first.
const start = panels.find((p) => p.id === location.hash.slice(1).split('?')[0]) ?? panels[0];
show(start.id, true);
await mounted(start);
show(start.id);
document.body.dataset.ready = 'true';
