// The Raft panel's live mode: this tab runs one node of a cluster made of the open tabs
// of this page (see live-node.js), and draws the cluster as this node sees it with the
// same components as the simulation: members in a circle (its own role, term and
// election timer; the others as last heard), the messages it sends and receives, and
// the logs (its own; a leader also draws each member's log up to what it knows matches).
import { REJECT_REASONS, LiveNode } from './live-node.js';
import { circleLayout, drawLogs, drawMessage, drawNode, KIND, legendHtml, ROLE } from './draw.js';

/** How long (ms) a message takes to cross the drawing. */
const FLIGHT_MS = 350;
/** A member not heard from for this long (ms) is drawn as down. */
const SILENT_MS = 3_000;

/**
 * Mounts the live view into `box` and starts this tab's node. Returns a function that
 * stops it (the node then crashes, keeping its stored state).
 */
export function mountLive(box) {
  box.innerHTML = `
    <p class="explain">Each tab of this page that turns on <em>Live</em> runs one real Raft node, the package’s
      <code>RaftNode</code>: messages travel between tabs over a <code>BroadcastChannel</code>, a timer ticks every
      100 ms, and every hard state, entry and snapshot is written to IndexedDB before the messages that depend on
      it are sent. Open this page in two more tabs and turn Live on there too: the first tab bootstraps a
      one-node cluster, the others join as learners and are promoted to voters once they have caught up. Close a
      tab to crash its node; reopen the page and it restarts from IndexedDB. A member silent for 30 s is removed
      by the leader, one at a time.</p>
    <div class="rf-layout">
      <div class="rf-stage">
        <canvas id="rf-live-canvas" role="img" aria-label="The live cluster as this tab sees it"></canvas>
        <p class="rf-legend">${legendHtml()}<br>The outlined node is this tab.</p>
      </div>
      <div class="rf-side">
        <div class="rf-node-box" role="group" aria-labelledby="rf-live-title">
          <h3 id="rf-live-title">This tab</h3>
          <p class="rf-node-info" id="rf-live-info" aria-live="polite">Starting…</p>
          <div class="rf-node-actions"><button id="rf-live-leave" type="button">Leave the cluster</button></div>
        </div>
        <h3>Shared key-value store</h3>
        <form class="rf-live-kv" id="rf-live-form">
          <label>Key <input id="rf-live-key" value="x" size="8" maxlength="40" autocomplete="off"></label>
          <label>Value <input id="rf-live-value" value="1" size="8" maxlength="200" autocomplete="off"></label>
          <button id="rf-live-put" type="submit">Put</button>
          <button id="rf-live-get" type="button">Get</button>
        </form>
        <p class="rf-live-result" id="rf-live-result" aria-live="polite"></p>
        <p class="rf-legend">A put is proposed through the leader and applied exactly once (a client session per
          tab); a get is a linearizable read (ReadIndex) served by this tab’s replica. Applied here:</p>
        <ul class="rf-live-state" id="rf-live-state"></ul>
        <h3>Channel</h3>
        <p class="rf-live-rejects" id="rf-live-rejects"></p>
        <h3>What just happened</h3>
        <ol class="rf-story" id="rf-live-story" reversed></ol>
      </div>
    </div>
    <h3>Logs</h3>
    <p class="rf-legend">This node’s log, filled once committed; on the leader, also each member’s log as far as the
      leader knows it matches. <span class="rf-sw rf-sw-snap"></span> entries folded into a snapshot.</p>
    <div class="rf-logs-wrap"><canvas id="rf-live-logs" role="img" aria-label="The logs this node knows"></canvas></div>
    <p hidden id="rf-live-status"></p>`;
  const $ = (sel) => box.querySelector(sel);
  const canvas = $('#rf-live-canvas');
  const ctx = canvas.getContext('2d');
  const story = [];
  let live = null;
  let stopped = false;
  let stageW = 560;
  let logsW = 800;
  new ResizeObserver((es) => { stageW = es[0].contentRect.width || stageW; }).observe(canvas.parentElement);
  new ResizeObserver((es) => { logsW = es[0].contentRect.width || logsW; }).observe($('#rf-live-logs').parentElement);

  const onChange = (e) => {
    story.push(e);
    if (story.length > 10) story.shift();
    $('#rf-live-story').innerHTML = story.slice().reverse()
      .map((s) => `<li><span class="rf-t">${new Date(s.time).toLocaleTimeString()}</span> ${escape(s.text)}</li>`).join('');
  };
  const result = (text) => { $('#rf-live-result').textContent = text; };

  LiveNode.start(onChange).then((n) => {
    if (stopped) n.stop();
    else {
      live = n;
      requestAnimationFrame(frame);
    }
  }, (e) => result(`Live mode cannot start here: ${e.message}`));

  $('#rf-live-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!live) return;
    const key = $('#rf-live-key').value;
    const value = $('#rf-live-value').value;
    result(`putting ${key} = ${value}…`);
    const t0 = performance.now();
    $('#rf-live-status').dataset.putStarted = String(Date.now());
    try {
      const r = await live.put(key, value);
      const took = Math.round(performance.now() - t0);
      result(`${key} = ${value} committed at entry ${r.index} in ${took} ms${r.status === 'duplicate' ? ' (a retry: applied once)' : ''}`);
    } catch (err) {
      result(`put failed: ${err.message}`);
    }
  });
  $('#rf-live-get').addEventListener('click', async () => {
    if (!live) return;
    const key = $('#rf-live-key').value;
    result(`reading ${key}…`);
    try {
      const v = await live.get(key);
      result(v === undefined ? `${key} is not set` : `${key} = ${v}`);
    } catch (err) {
      result(`get failed: ${err.message}`);
    }
  });
  $('#rf-live-leave').addEventListener('click', async () => {
    if (!live) return;
    $('#rf-live-leave').disabled = true;
    result('leaving…');
    await live.leave();
    result('This node left the cluster and forgot its state; turn Live off and on to join again as a new node.');
  });

  function frame() {
    if (stopped || !live) return;
    requestAnimationFrame(frame);
    if (box.closest('[hidden]')) return;
    draw(live);
  }

  function view(n) {
    const node = n.node;
    const now = Date.now();
    if (!node) {
      return { ids: [n.id], nodes: [{ id: n.id, up: true, role: 'follower', term: null, electionProgress: null }], conf: { voters: [], learners: [] }, leader: 0 };
    }
    const conf = node.conf();
    const ids = [...new Set([...conf.voters, ...conf.learners, n.id, ...(node.leader ? [node.leader] : [])])].sort((a, b) => a - b);
    const nodes = ids.map((id) => {
      if (id === n.id) {
        return { id, up: true, role: node.role, term: node.term, electionProgress: Math.min(1, node.electionElapsed / node.electionTimeout) };
      }
      const h = n.heard.get(id);
      const up = !!h && now - h.at < SILENT_MS;
      return { id, up, role: id === node.leader ? 'leader' : 'follower', term: h ? h.term : null, electionProgress: null };
    });
    return { ids, nodes, conf, leader: node.leader };
  }

  function draw(n) {
    const v = view(n);
    const geo = circleLayout(canvas, stageW, v.ids);
    ctx.setTransform(geo.dpr, 0, 0, geo.dpr, 0, 0);
    ctx.clearRect(0, 0, geo.w, geo.h);
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(90,90,102,0.18)';
    for (let i = 0; i < geo.pos.length; i++) {
      for (let j = i + 1; j < geo.pos.length; j++) {
        ctx.beginPath();
        ctx.moveTo(geo.pos[i].x, geo.pos[i].y);
        ctx.lineTo(geo.pos[j].x, geo.pos[j].y);
        ctx.stroke();
      }
    }
    const t = performance.now();
    for (const m of n.traffic) {
      const progress = (t - m.at) / FLIGHT_MS;
      if (progress >= 0 && progress <= 1 && m.kind in KIND) {
        drawMessage(ctx, geo, { ...m, progress });
      }
    }
    for (const nd of v.nodes) drawNode(ctx, geo, nd, { view: v.conf, selected: nd.id === n.id, name: nd.id === n.id ? `n${nd.id} (this tab)` : `n${nd.id}` });
    drawLiveLogs(n, v);
    renderSide(n, v);
  }

  let logsKey = '';
  function drawLiveLogs(n, v) {
    const node = n.node;
    if (!node) return;
    const lo = Math.max(n.snapshotIndex + 1, node.lastIndex - 60);
    const key = `${logsW}|${node.lastIndex}|${node.commit}|${node.term}|${node.role}|${n.snapshotIndex}|${node.role === 'leader' ? node.progress().map((p) => p.match).join(',') : ''}`;
    if (key === logsKey) return;
    logsKey = key;
    const log = node.entries(lo, node.lastIndex + 1);
    const rows = [{ id: n.id, up: true, log, commit: node.commit, snapshotIndex: n.snapshotIndex }];
    if (node.role === 'leader') {
      for (const p of node.progress()) {
        if (p.node === n.id) continue;
        rows.push({ id: p.node, up: v.nodes.find((x) => x.id === p.node)?.up ?? false, log: log.filter((e) => e.index <= p.match), commit: Math.min(node.commit, p.match), snapshotIndex: n.snapshotIndex });
      }
    }
    drawLogs($('#rf-live-logs'), logsW, rows, v.leader);
  }

  function renderSide(n, v) {
    const node = n.node;
    const me = v.conf.voters.includes(n.id) ? 'voter' : v.conf.learners.includes(n.id) ? 'learner' : 'not a member yet';
    const info = node
      ? `n${n.id} (${me}): ${ROLE[node.role].name}, term ${node.term}, leader ${node.leader ? `n${node.leader}` : 'unknown'}, `
        + `commit ${node.commit}, applied ${node.applied}, log ${node.lastIndex}${n.snapshotIndex ? ` (snapshot ≤ ${n.snapshotIndex})` : ''}`
        + ` · voters ${v.conf.voters.join(', ') || '—'}${v.conf.learners.length ? ` · learners ${v.conf.learners.join(', ')}` : ''}`
      : `n${n.id}: looking for a leader to join…`;
    setText($('#rf-live-info'), info);
    const kvHtml = [...n.kv].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, val]) => `<li><code>${escape(k)}</code> = ${escape(val)}</li>`).join('')
      || '<li class="rf-empty">nothing yet</li>';
    const list = $('#rf-live-state');
    if (list.dataset.html !== kvHtml) {
      list.dataset.html = kvHtml;
      list.innerHTML = kvHtml;
    }
    const total = Object.values(n.rejected).reduce((a, b) => a + b, 0);
    const parts = Object.entries(n.rejected).filter(([, c]) => c).map(([k, c]) => `${REJECT_REASONS[k]} ${c}`);
    setText($('#rf-live-rejects'), total
      ? `Rejected ${total} message${total === 1 ? '' : 's'} (${parts.join(', ')}); latest: ${n.lastRejection}. The node carries on.`
      : 'Every message on the channel so far was a valid one for this cluster.');
    // For tests and the curious: the state drawn, as data attributes.
    const st = $('#rf-live-status').dataset;
    Object.assign(st, {
      id: String(n.id), role: node?.role ?? 'joining', term: String(node?.term ?? 0), leader: String(node?.leader ?? 0),
      commit: String(node?.commit ?? 0), applied: String(node?.applied ?? 0), lastIndex: String(node?.lastIndex ?? 0),
      voters: v.conf.voters.join(','), learners: v.conf.learners.join(','), rejected: String(total),
      leaderSince: String(n.leaderSince), snapshot: String(n.snapshotIndex), appliedAt: JSON.stringify(Object.fromEntries(n.appliedAt)), rejects: JSON.stringify(n.rejected), kv: JSON.stringify(Object.fromEntries(n.kv)), restored: n.restoredFrom ? 'true' : 'false',
    });
  }

  return () => {
    stopped = true;
    live?.stop();
    live = null;
  };
}

/** Writes text only when it changed, so an unchanged frame costs no layout. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function escape(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}
