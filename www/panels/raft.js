// Raft panel: a simulated cluster on virtual time (raft/sim.js, RaftCluster from
// quorumkit/raft-sim), or, with Live on, this tab as one node of a real cluster made of the
// open tabs (raft/live.js, RaftNode from quorumkit/raft, loaded only when first turned on).
import { mountSim } from './raft/sim.js';

export const id = 'raft';

export function mount(root) {
  root.innerHTML = `
    <h2>Raft consensus</h2>
    <div class="rf-controls rf-mode" role="group" aria-label="Mode">
      <label><input id="rf-live" type="checkbox"> <span><strong>Live</strong>: make this tab a node of a real
        cluster of the open tabs (off: a simulated cluster)</span></label>
    </div>
    <div id="rf-live-box" hidden></div>
    <div id="rf-sim"></div>`;

  const $ = (sel) => root.querySelector(sel);
  const simBox = $('#rf-sim');
  mountSim(simBox, root);

  // Live mode: this tab runs a node of a cluster of the open tabs (raft/live.js), loaded
  // when first turned on; it stays on across a reload of the tab.
  let stopLive = null;
  const LIVE_KEY = 'quorumkit-live:on';
  async function setLive(on) {
    $('#rf-live').checked = on;
    simBox.hidden = on;
    $('#rf-live-box').hidden = !on;
    if (on) {
      sessionStorage.setItem(LIVE_KEY, '1');
      const { mountLive } = await import('./raft/live.js');
      if ($('#rf-live').checked && !stopLive) stopLive = mountLive($('#rf-live-box'));
    } else {
      sessionStorage.removeItem(LIVE_KEY);
      stopLive?.();
      stopLive = null;
    }
  }
  $('#rf-live').addEventListener('change', (e) => setLive(e.target.checked));
  if (sessionStorage.getItem(LIVE_KEY)) setLive(true);
}
