// The Raft panel's simulation: a cluster on virtual time, drawn as it runs. Every role,
// term, timer, message, log entry, vote verdict and invariant check comes from the
// package's RaftCluster; the page only draws them and keeps the list of what the user
// did, so that the seed plus that list replays any moment.
import { RaftCluster } from 'quorumkit/raft-sim';
import { decodeShare, encodeShare, partitionPresets } from './share.js';
import { circleLayout, drawLogs, drawMessage, drawNode, legendHtml, ROLE } from './draw.js';

const RULES = ['Election Safety', 'Leader Append-Only', 'Log Matching', 'Leader Completeness', 'State Machine Safety'];
const RULE_TEXT = {
  'Election Safety': 'at most one leader per term',
  'Leader Append-Only': 'a leader never overwrites or deletes its entries',
  'Log Matching': 'same index and term ⇒ identical logs up to there',
  'Leader Completeness': 'a committed entry is in every later leader’s log',
  'State Machine Safety': 'no two nodes apply different entries at one index',
};
const SPEED_MIN = -2.5; // log10 of the slowest speed (virtual ms per real ms)
const SPEED_MAX = 1;
/** How many of the latest events a rebuilt run reads to tell its story. */
const STORY_EVENTS = 400;
/** Virtual ms replayed between two forgettings of events while rebuilding a run. */
const REPLAY_SLICE = 10_000;
const DEFAULTS = { nodes: 5, seed: 1, latency: 15, dropRate: 0, preVote: false, checkQuorum: false, compactEvery: 0, voters: 0 };

/**
 * Mounts the simulation into `box` (inside the Raft panel `panel`) and starts it. It runs
 * only while both are shown: hiding either pauses it without counting the hidden time.
 * A shared link (#raft?…) in the address replays what its author did.
 */
export function mountSim(box, panel) {
  box.innerHTML = `
    <p class="explain">Raft keeps a log identical on a majority of servers. Each follower waits a random
      <em>election timeout</em> (the arc around it); if it hears nothing from a leader by then it becomes a
      <em>candidate</em>, raises its <em>term</em> and asks the others for votes (RequestVote). A node grants at most
      one vote per term, and only to a candidate whose log is at least as up to date as its own, so at most one
      leader wins each term. The leader sends AppendEntries (heartbeats when idle); an entry is <em>committed</em>
      once a majority stores it, and then it can never be lost. Crash nodes, cut the network and watch the checker
      below confirm that safety holds anyway.</p>
    <div class="rf-controls" role="group" aria-label="Cluster set-up">
      <label>Nodes <select id="rf-nodes">${[3, 4, 5, 6, 7, 8, 9].map((n) => `<option>${n}</option>`).join('')}</select></label>
      <label>Seed <input id="rf-seed" type="number" min="0" step="1" inputmode="numeric"></label>
      <label>Latency (ms) <select id="rf-latency">
        <option value="5">5</option><option value="15">5–25</option><option value="50">20–80</option><option value="150">50–250</option>
      </select></label>
      <label><input id="rf-prevote" type="checkbox"> Pre-vote</label>
      <label><input id="rf-checkquorum" type="checkbox"> Check-quorum</label>
      <label>Compact log every <select id="rf-compact"><option value="0">never</option><option>5</option><option>20</option></select></label>
      <label>Start with <select id="rf-voters"></select></label>
      <button id="rf-reset" type="button">New run</button>
    </div>
    <div class="rf-controls" role="group" aria-label="Playback and network">
      <button id="rf-play" type="button" aria-pressed="false">Pause</button>
      <button id="rf-step" type="button" title="Run the next single event (one delivery or one timer tick)">Step</button>
      <label>Speed <input id="rf-speed" type="range" min="${SPEED_MIN}" max="${SPEED_MAX}" step="0.05" value="-1" aria-describedby="rf-speed-out"><output id="rf-speed-out"></output></label>
      <label>Drop rate <input id="rf-drop" type="range" min="0" max="0.5" step="0.01" value="0" aria-describedby="rf-drop-out"><output id="rf-drop-out">0 %</output></label>
      <button id="rf-propose" type="button">Client request</button>
      <label>Partition <select id="rf-partition"></select></label>
      <button id="rf-split" type="button">Split</button>
      <button id="rf-heal" type="button">Heal</button>
    </div>
    <div class="rf-layout">
      <div class="rf-stage">
        <canvas id="rf-canvas" role="img" aria-label="The cluster: nodes in a circle coloured by role, messages moving along the links"></canvas>
        <div class="rf-menu" id="rf-menu" role="group" aria-label="Node actions" hidden>
          <strong id="rf-menu-title"></strong>
          <button type="button" data-op="crash">Crash</button>
          <button type="button" data-op="timeout">Time out</button>
          <button type="button" data-op="transfer">Make leader</button>
        </div>
        <p class="rf-legend" id="rf-legend"></p>
      </div>
      <div class="rf-side">
        <div class="rf-node-box" role="group" aria-labelledby="rf-node-title">
          <h3 id="rf-node-title">Node</h3>
          <label>Selected <select id="rf-node"></select></label>
          <p class="rf-node-info" id="rf-node-info" aria-live="polite"></p>
          <div class="rf-node-actions">
            <button id="rf-crash" type="button">Crash</button>
            <button id="rf-timeout" type="button">Time out now</button>
            <button id="rf-isolate" type="button">Isolate</button>
            <span class="rf-cut"><label>Cut link to <select id="rf-cut-to"></select></label>
              <label><input id="rf-oneway" type="checkbox"> one way only</label>
              <button id="rf-cut" type="button">Cut</button></span>
            <button id="rf-transfer" type="button">Transfer leadership here</button>
            <button id="rf-learner" type="button">Add as learner</button>
            <button id="rf-promote" type="button">Promote to voter</button>
            <button id="rf-remove" type="button">Remove from cluster</button>
          </div>
          <p class="rf-error" id="rf-error" role="alert"></p>
        </div>
        <h3>Safety checker</h3>
        <ul class="rf-monitor" id="rf-monitor" aria-live="polite"></ul>
        <h3>What just happened</h3>
        <ol class="rf-story" id="rf-story" reversed></ol>
      </div>
    </div>
    <h3>Logs</h3>
    <p class="rf-legend">Each row is a node’s log, each box an entry labelled with its term: filled once
      committed, outlined while not yet committed. <span class="rf-sw rf-sw-snap"></span> entries folded into a snapshot.</p>
    <div class="rf-logs-wrap" id="rf-logs-wrap"><canvas id="rf-logs" role="img" aria-label="Each node's log"></canvas></div>
    <h3>Timeline</h3>
    <div class="rf-timeline">
      <label for="rf-scrub">Virtual time</label>
      <input id="rf-scrub" type="range" min="0" max="0" step="1" value="0" aria-describedby="rf-time">
      <output id="rf-time" class="rf-time">0 ms</output>
      <a id="rf-share" class="rf-share" href="#raft">Link to this moment</a>
    </div>
    <p class="rf-legend">The simulator is deterministic: the seed plus your actions (below, with the virtual
      time of each) rebuild any moment. Dragging back replays the run from the start in a blink; an action taken
      in the past starts a new branch.</p>
    <ol class="rf-actions" id="rf-actions"></ol>
    <p hidden id="rf-status" data-time="0" data-leader="0" data-digest=""></p>`;

  const $ = (sel) => box.querySelector(sel);
  const canvas = $('#rf-canvas');
  const ctx = canvas.getContext('2d');
  const logCanvas = $('#rf-logs');

  const ui = {
    cfg: { ...DEFAULTS },
    actions: [], // { t, op, ...args }: what the user did, at which virtual time
    next: 0, // actions[0..next] have been applied to the cluster
    maxTime: 0, // the furthest virtual time reached on this branch
    playing: true,
    speed: 0.1,
    budget: 0,
    last: 0,
    selected: 1,
    cluster: null,
    state: null,
    cursor: 0,
    story: [],
    proposals: 0,
    partition: null, // the groups of the latest partition event, or null
    cuts: new Set(), // one-way cuts since then, as "from>to"
    drag: null, // { from, x, y } while drawing a cut on the canvas
    scrubTo: null,
    error: '',
  };

  // ----- the run: seed + options + actions ---------------------------------

  function options(cfg = ui.cfg) {
    const lat = Number(cfg.latency);
    const latency = lat === 5 ? 5 : lat === 15 ? { min: 5, max: 25 } : lat === 50 ? { min: 20, max: 80 } : { min: 50, max: 250 };
    return {
      nodes: cfg.nodes, seed: cfg.seed, latency, dropRate: cfg.dropRate,
      preVote: cfg.preVote, checkQuorum: cfg.checkQuorum, compactEvery: cfg.compactEvery, voters: cfg.voters,
    };
  }

  /** Performs one action on the cluster; throws what the package throws. */
  function perform(c, a) {
    switch (a.op) {
      case 'crash': return c.crash(a.node);
      case 'restart': return c.restart(a.node);
      case 'timeout': return c.timeout(a.node);
      case 'propose': return c.propose(a.data);
      case 'partition': return c.partition(a.groups);
      case 'heal': return c.heal();
      case 'cut': return c.cut(a.from, a.to);
      case 'drop': return c.setRates({ dropRate: a.rate });
      case 'step': return c.stepEvent();
      case 'transfer': return c.transferLeader(a.node);
      case 'learner': return c.addLearner(a.node);
      case 'promote': return c.promote(a.node);
      case 'remove': return c.remove(a.node);
      default: throw new Error(`unknown action ${a.op}`);
    }
  }

  /** Runs the cluster forward to virtual time `t`, applying recorded actions on the way. */
  function runTo(t) {
    const c = ui.cluster;
    while (ui.next < ui.actions.length && ui.actions[ui.next].t <= t && !c.state().stopped) {
      const a = ui.actions[ui.next++];
      if (a.t > c.now) c.advance(a.t - c.now);
      try { perform(c, a); } catch { /* refused then too: replay ignores it the same way */ }
    }
    if (t > c.now) c.advance(t - c.now);
    ui.maxTime = Math.max(ui.maxTime, c.now);
  }

  /**
   * Rebuilds the cluster from the seed and replays the actions up to virtual time `t`, a
   * slice at a time, keeping only the events the story may still tell.
   */
  function rebuild(t) {
    ui.cluster?.free();
    ui.cluster = new RaftCluster(options());
    ui.next = 0;
    for (let at = Math.min(t, REPLAY_SLICE); ; at = Math.min(t, at + REPLAY_SLICE)) {
      runTo(at);
      ui.cluster.forgetEvents(Math.max(0, ui.cluster.eventCount - STORY_EVENTS));
      if (at >= t) break;
    }
    ui.cursor = ui.cluster.firstEventCursor;
    ui.story = [];
    // The partition in force: the latest partition or heal applied (older than the events read below).
    ui.partition = null;
    ui.cuts = new Set();
    for (const a of ui.actions.slice(0, ui.next)) {
      if (a.op === 'partition') ui.partition = a.groups;
      if (a.op === 'partition' || a.op === 'heal') ui.cuts = new Set();
      if (a.op === 'heal') ui.partition = null;
      if (a.op === 'cut') ui.cuts.add(`${a.from}>${a.to}`);
    }
    lastCommit = 0;
    readEvents();
  }

  function newRun() {
    ui.actions = [];
    ui.maxTime = 0;
    ui.budget = 0;
    ui.proposals = 0;
    ui.error = '';
    rebuild(0);
    syncControls();
    renderActions();
  }

  /** Does what the user asked now, and records it if the package accepts it. */
  function act(a) {
    const c = ui.cluster;
    a.t = c.now;
    try {
      perform(c, a);
    } catch (e) {
      ui.error = e.message;
      $('#rf-error').textContent = e.message;
      return false;
    }
    ui.error = '';
    $('#rf-error').textContent = '';
    // An action in the past starts a new branch: the old future is dropped.
    if (ui.next < ui.actions.length) {
      ui.actions.length = ui.next;
      ui.maxTime = c.now;
    }
    ui.actions.push(a);
    ui.next = ui.actions.length;
    ui.maxTime = Math.max(ui.maxTime, c.now);
    renderActions();
    return true;
  }

  // ----- events: the story and the partition --------------------------------

  const n = (id) => `node ${id}`;
  function tell(e) {
    switch (e.type) {
      case 'role':
        if (e.role === 'leader') return `${n(e.node)} won the election: leader of term ${e.term}`;
        if (e.role === 'candidate') return `${n(e.node)} stood for election in term ${e.term}`;
        if (e.role === 'precandidate') return `${n(e.node)} asks whether it could win (pre-vote) before raising its term`;
        return null;
      case 'vote': return e.candidate === e.node ? null : `${n(e.node)} voted for ${n(e.candidate)} in term ${e.term}`;
      case 'timeout': return `${n(e.node)}'s election timer was fired by hand`;
      case 'crash': return `${n(e.node)} crashed: only its term, vote and log survive`;
      case 'restart': return `${n(e.node)} restarted from what it had persisted`;
      case 'partition': return `the network split into ${e.groups.map((g) => `{${g.join(', ')}}`).join(' and ')}`;
      case 'heal': return 'the network healed';
      case 'cut': return `the link from ${n(e.from)} to ${n(e.to)} was cut (one way)`;
      case 'propose': return `a client request reached leader ${n(e.node)} as entry ${e.index}`;
      case 'transfer': return `${n(e.from)} hands leadership to ${n(e.to)}`;
      case 'snapshot': return e.received ? `${n(e.node)} installed a snapshot up to entry ${e.index}` : null;
      case 'membership': {
        const what = { 'add-learner': 'add as a learner', promote: 'promote to voter', remove: 'remove' }[e.change];
        return `leader ${n(e.leader)} proposed to ${what} ${n(e.node)} (entry ${e.index})`;
      }
      default: return null;
    }
  }

  let lastCommit = 0;
  /** Tells the story of the events since the last call, then lets the cluster forget them. */
  function readEvents() {
    const c = ui.cluster;
    const evs = c.events(ui.cursor);
    ui.cursor += evs.length;
    c.forgetEvents(ui.cursor);
    for (const e of evs) {
      if (e.type === 'partition') ui.partition = e.groups;
      if (e.type === 'partition' || e.type === 'heal') ui.cuts = new Set();
      if (e.type === 'heal') ui.partition = null;
      if (e.type === 'cut') ui.cuts.add(`${e.from}>${e.to}`);
      else if (e.type === 'commit' && e.index > lastCommit) {
        // A leader commits first; followers learn it later, so a new highest commit is the cluster's.
        lastCommit = e.index;
        ui.story.push({ time: e.time, text: `entry ${e.index} is committed: a majority stores it` });
        continue;
      }
      const text = tell(e);
      if (text) ui.story.push({ time: e.time, text });
    }
    if (ui.story.length > 8) ui.story.splice(0, ui.story.length - 8);
  }

  // ----- frame loop ---------------------------------------------------------

  // The loop runs only while the panel is shown: hiding it (another tab) stops it, and
  // showing it again restarts it without counting the hidden time as elapsed.
  let looping = false;
  function startLoop() {
    if (looping || panel.hidden || box.hidden) return;
    looping = true;
    ui.last = 0;
    requestAnimationFrame(frame);
  }
  new MutationObserver(startLoop).observe(panel, { attributes: true, attributeFilter: ['hidden'] });
  new MutationObserver(startLoop).observe(box, { attributes: true, attributeFilter: ['hidden'] });

  function frame(ts) {
    if (panel.hidden || box.hidden) {
      looping = false;
      return;
    }
    requestAnimationFrame(frame);
    const dt = ui.last ? Math.min(100, ts - ui.last) : 0;
    ui.last = ts;
    const c = ui.cluster;
    if (ui.scrubTo !== null) {
      const t = ui.scrubTo;
      ui.scrubTo = null;
      if (t < c.now) rebuild(t);
      else runTo(t);
      readEvents();
    } else if (ui.playing && !ui.state?.stopped) {
      ui.budget += dt * ui.speed;
      const whole = Math.floor(ui.budget);
      if (whole > 0) {
        ui.budget -= whole;
        runTo(c.now + whole);
        readEvents();
      }
    }
    ui.state = ui.cluster.state(); // a scrub back may have replaced the cluster
    if (ui.state.stopped && ui.playing) setPlaying(false);
    draw();
  }

  // ----- drawing ------------------------------------------------------------

  // Widths come from a ResizeObserver: reading clientWidth every frame would force a layout.
  let stageW = 560;
  let logsW = 800;
  new ResizeObserver((entries) => { stageW = entries[0].contentRect.width || stageW; }).observe(canvas.parentElement);
  new ResizeObserver((entries) => { logsW = entries[0].contentRect.width || logsW; logsKey = ''; }).observe(logCanvas.parentElement);

  let geo = null;
  function layout() {
    geo = circleLayout(canvas, stageW, ui.state.nodes.map((nd) => nd.id));
  }

  function draw() {
    layout();
    const { w, h, dpr, pos, nodeR } = geo;
    const s = ui.state;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);

    // Partition groups as shaded hulls behind their nodes.
    if (ui.partition) {
      const shades = ['rgba(86,180,233,0.14)', 'rgba(230,159,0,0.16)', 'rgba(0,158,115,0.14)', 'rgba(204,121,167,0.16)'];
      ui.partition.forEach((g, k) => {
        ctx.fillStyle = shades[k % shades.length];
        for (const id of g) {
          const p = pos[id - 1];
          ctx.beginPath();
          ctx.arc(p.x, p.y, nodeR + 14, 0, 2 * Math.PI);
          ctx.fill();
        }
      });
    }

    // Links; a cut link (different partition groups, or cut by hand) is dashed, and a one-way
    // cut carries a ✕ near the sender whose messages are lost.
    const group = (id) => (ui.partition ? ui.partition.findIndex((g) => g.includes(id)) : 0);
    const apart = (a, b) => ui.partition && (group(a) !== group(b) || group(a) < 0);
    ctx.lineWidth = 1;
    for (let i = 0; i < pos.length; i++) {
      for (let j = i + 1; j < pos.length; j++) {
        const ab = apart(i + 1, j + 1) || ui.cuts.has(`${i + 1}>${j + 1}`);
        const ba = apart(i + 1, j + 1) || ui.cuts.has(`${j + 1}>${i + 1}`);
        ctx.strokeStyle = ab || ba ? 'rgba(213,94,0,0.55)' : 'rgba(90,90,102,0.18)';
        ctx.setLineDash(ab || ba ? [3, 5] : []);
        ctx.beginPath();
        ctx.moveTo(pos[i].x, pos[i].y);
        ctx.lineTo(pos[j].x, pos[j].y);
        ctx.stroke();
        if (ab !== ba) {
          const [f, t] = ab ? [pos[i], pos[j]] : [pos[j], pos[i]];
          const x = f.x + (t.x - f.x) * 0.3;
          const y = f.y + (t.y - f.y) * 0.3;
          ctx.fillStyle = '#d55e00';
          ctx.font = 'bold 13px system-ui, sans-serif';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.fillText('✕', x, y);
        }
      }
    }
    ctx.setLineDash([]);
    if (ui.drag?.to) {
      ctx.strokeStyle = '#d55e00';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(pos[ui.drag.from - 1].x, pos[ui.drag.from - 1].y);
      ctx.lineTo(ui.drag.x, ui.drag.y);
      ctx.stroke();
    }

    // Messages in flight.
    for (const m of s.messages) drawMessage(ctx, geo, m);

    // Nodes, members as the leader sees them (or as each node does, if there is no leader).
    const leader = s.leader ? s.nodes[s.leader - 1] : null;
    for (const node of s.nodes) drawNode(ctx, geo, node, { view: leader ?? node, selected: node.id === ui.selected });

    ctx.fillStyle = '#5a5a66';
    ctx.font = '12px ui-monospace, monospace';
    ctx.textAlign = 'left';
    ctx.fillText(`t = ${fmtTime(s.time)}`, 8, 16);
    if (!ui.playing) ctx.fillText('paused', 8, 32);
    redrawLogs();
    renderPanel();
  }

  // The package keeps a node's log array the same object while the log is unchanged, so the
  // log view is redrawn only when an array, a commit index, a role or a snapshot changes.
  let logsKey = '';
  const logIds = new WeakMap();
  let logSeq = 0;
  const logId = (log) => {
    let k = logIds.get(log);
    if (k === undefined) logIds.set(log, (k = ++logSeq));
    return k;
  };
  function redrawLogs() {
    const s = ui.state;
    const key = `${s.leader}|${s.nodes.map((nd) => `${logId(nd.log)}:${nd.commit}:${nd.up}:${nd.snapshotIndex}`).join(',')}`;
    if (key === logsKey) return;
    logsKey = key;
    drawLogs(logCanvas, logsW, s.nodes, s.leader);
  }

  // ----- side panel, status, controls ----------------------------------------

  let shown = '';
  function renderPanel() {
    const s = ui.state;
    const c = ui.cluster;
    setText($('#rf-time'), fmtTime(s.time));
    const scrub = $('#rf-scrub');
    if (scrub.max !== String(ui.maxTime)) scrub.max = String(ui.maxTime);
    if ((document.activeElement !== scrub || ui.playing) && scrub.value !== String(s.time)) scrub.value = String(s.time);

    const nd = s.nodes[ui.selected - 1];
    const leader = s.leader ? s.nodes[s.leader - 1] : null;
    const view = leader ?? nd;
    const isVoter = view.voters.includes(nd.id);
    const isLearner = view.learners.includes(nd.id);
    const info = `n${nd.id}: ${nd.up ? ROLE[nd.role].name : 'crashed'}, term ${nd.term}, voted for ${nd.vote || 'nobody'}, `
      + `commit ${nd.commit}, log ${nd.snapshotIndex + nd.log.length} ${nd.snapshotIndex + nd.log.length === 1 ? 'entry' : 'entries'}`
      + `${nd.up && nd.role !== 'leader' ? `, timer ${nd.electionElapsed}/${nd.electionTimeout} ms` : ''}`
      + `${isLearner ? ' · learner' : isVoter ? '' : ' · not a member'}`;
    // A leader's matchIndex / nextIndex per member, as the package reports them.
    const prs = nd.up && nd.role === 'leader' ? c.progress(nd.id) : [];
    const progress = prs.length ? ` · match/next: ${prs.map((p) => `n${p.node} ${p.match}/${p.next}`).join(', ')}` : '';
    setText($('#rf-node-info'), info + progress);
    setText($('#rf-crash'), nd.up ? 'Crash' : 'Restart');
    $('#rf-timeout').disabled = !nd.up;
    $('#rf-transfer').disabled = !leader || nd.id === s.leader || !isVoter;
    $('#rf-learner').disabled = !leader || isVoter || isLearner;
    $('#rf-promote').disabled = !leader || !isLearner;
    $('#rf-remove').disabled = !leader || (!isVoter && !isLearner);

    // Safety checker, from violations().
    const [v] = c.violations();
    const key = `${v ? v.rule : ''}|${s.stopped}`;
    if (key !== shown) {
      shown = key;
      const items = RULES.map((rule) => {
        const bad = v && v.rule === rule;
        return `<li class="${bad ? 'rf-bad' : 'rf-ok'}" data-rule="${rule}"><span aria-hidden="true">${bad ? '✗' : '✓'}</span> <strong>${rule}</strong>
          <span class="rf-rule-text">${bad ? 'VIOLATED' : 'holds'}: ${RULE_TEXT[rule]}</span></li>`;
      });
      if (v && !RULES.includes(v.rule)) items.push(`<li class="rf-bad" data-rule="${v.rule}"><span aria-hidden="true">✗</span> <strong>${v.rule}</strong> VIOLATED</li>`);
      if (v) items.push(`<li class="rf-bad rf-detail">${escape(v.detail)} (seed ${v.seed}, ${fmtTime(v.time)}); the run stopped.</li>`);
      $('#rf-monitor').innerHTML = items.join('');
    }
    const storyKey = ui.story.length ? `${ui.story.length}:${ui.story[ui.story.length - 1].time}:${ui.story[ui.story.length - 1].text}` : '';
    if (storyKey !== $('#rf-story').dataset.key) {
      $('#rf-story').dataset.key = storyKey;
      $('#rf-story').innerHTML = ui.story.slice().reverse()
        .map((e) => `<li data-time="${e.time}"><span class="rf-t">${fmtTime(e.time)}</span> ${escape(e.text)}</li>`).join('');
    }

    const status = $('#rf-status');
    status.dataset.time = String(s.time);
    status.dataset.leader = String(s.leader ?? 0);
    status.dataset.playing = String(ui.playing);
    status.dataset.stopped = String(s.stopped);
    status.dataset.actions = String(ui.actions.length);
    status.dataset.digest = digest(s);
    if (!ui.playing) updateShare();
  }

  function updateShare() {
    const href = `#${encodeShare(ui.cfg, ui.actions.slice(0, ui.next), ui.cluster.now)}`;
    if ($('#rf-share').getAttribute('href') !== href) $('#rf-share').setAttribute('href', href);
  }

  function renderActions() {
    const list = $('#rf-actions');
    list.innerHTML = ui.actions.length
      ? ui.actions.map((a, i) => `<li class="${i < ui.next ? '' : 'rf-future'}"><span class="rf-t">${fmtTime(a.t)}</span> ${describe(a)}</li>`).join('')
      : '<li class="rf-empty">No actions yet: the run is just the seed.</li>';
  }

  function describe(a) {
    switch (a.op) {
      case 'partition': return `partition ${a.groups.map((g) => `{${g.join(',')}}`).join(' ')}`;
      case 'heal': return 'heal the network';
      case 'cut': return `cut n${a.from} → n${a.to}`;
      case 'drop': return `drop rate ${Math.round(a.rate * 100)} %`;
      case 'propose': return `client request “${escape(a.data)}”`;
      case 'step': return 'single step';
      case 'transfer': return `transfer leadership to n${a.node}`;
      case 'learner': return `add n${a.node} as learner`;
      case 'promote': return `promote n${a.node}`;
      case 'remove': return `remove n${a.node}`;
      default: return `${a.op} n${a.node}`;
    }
  }

  function setPlaying(on) {
    ui.playing = on;
    $('#rf-play').textContent = on ? 'Pause' : 'Play';
    $('#rf-play').setAttribute('aria-pressed', String(!on));
    ui.budget = 0;
  }

  function syncControls() {
    const cfg = ui.cfg;
    $('#rf-nodes').value = String(cfg.nodes);
    $('#rf-seed').value = String(cfg.seed);
    $('#rf-latency').value = String(cfg.latency);
    $('#rf-prevote').checked = cfg.preVote;
    $('#rf-checkquorum').checked = cfg.checkQuorum;
    $('#rf-compact').value = String(cfg.compactEvery);
    $('#rf-drop').value = String(cfg.dropRate);
    $('#rf-drop-out').textContent = `${Math.round(cfg.dropRate * 100)} %`;
    const voters = $('#rf-voters');
    voters.innerHTML = `<option value="0">all ${cfg.nodes} voting</option>`
      + Array.from({ length: cfg.nodes - 1 }, (_, k) => k + 1).filter((k) => k >= Math.min(3, cfg.nodes - 1))
        .map((k) => `<option value="${k}">${k} voting, ${cfg.nodes - k} outside</option>`).join('');
    voters.value = String(cfg.voters);
    const sel = $('#rf-node');
    sel.innerHTML = Array.from({ length: cfg.nodes }, (_, k) => `<option value="${k + 1}">n${k + 1}</option>`).join('');
    $('#rf-cut-to').innerHTML = sel.innerHTML;
    $('#rf-cut-to').value = String((ui.selected % cfg.nodes) + 1);
    ui.selected = Math.min(ui.selected, cfg.nodes);
    sel.value = String(ui.selected);
    $('#rf-partition').innerHTML = partitionPresets(cfg.nodes)
      .map((p, k) => `<option value="${k}">${p.label}</option>`).join('');
  }

  function setSpeed(v) {
    ui.speed = 10 ** v;
    const x = ui.speed;
    $('#rf-speed-out').textContent = `${x < 0.1 ? x.toFixed(3) : x < 1 ? x.toFixed(2) : x.toFixed(1)}× real time`;
  }

  // ----- wiring -------------------------------------------------------------

  const readCfg = () => {
    const seed = Number($('#rf-seed').value);
    return {
      nodes: Number($('#rf-nodes').value),
      seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : 1,
      latency: Number($('#rf-latency').value),
      dropRate: ui.cfg.dropRate,
      preVote: $('#rf-prevote').checked,
      checkQuorum: $('#rf-checkquorum').checked,
      compactEvery: Number($('#rf-compact').value),
      voters: Number($('#rf-voters').value),
    };
  };
  const restartWith = () => {
    const cfg = readCfg();
    if (cfg.voters >= cfg.nodes) cfg.voters = 0;
    ui.cfg = cfg;
    newRun();
  };
  for (const sel of ['#rf-nodes', '#rf-latency', '#rf-prevote', '#rf-checkquorum', '#rf-compact', '#rf-voters']) {
    $(sel).addEventListener('change', () => {
      if (sel === '#rf-nodes') $('#rf-voters').value = '0';
      restartWith();
    });
  }
  $('#rf-seed').addEventListener('change', restartWith);
  $('#rf-reset').addEventListener('click', () => {
    $('#rf-seed').value = String((ui.cfg.seed + 1) % 1000);
    restartWith();
  });
  $('#rf-play').addEventListener('click', () => setPlaying(!ui.playing));
  $('#rf-step').addEventListener('click', () => {
    setPlaying(false);
    act({ op: 'step' });
    readEvents();
  });
  $('#rf-speed').addEventListener('input', (e) => setSpeed(Number(e.target.value)));
  $('#rf-drop').addEventListener('change', (e) => {
    const rate = Number(e.target.value);
    if (act({ op: 'drop', rate })) ui.cfg = { ...ui.cfg };
    $('#rf-drop-out').textContent = `${Math.round(rate * 100)} %`;
  });
  $('#rf-drop').addEventListener('input', (e) => { $('#rf-drop-out').textContent = `${Math.round(Number(e.target.value) * 100)} %`; });
  $('#rf-propose').addEventListener('click', () => {
    ui.proposals += 1;
    act({ op: 'propose', data: `x=${ui.proposals}` });
    readEvents();
  });
  $('#rf-split').addEventListener('click', () => {
    const preset = partitionPresets(ui.cfg.nodes)[Number($('#rf-partition').value)];
    const groups = preset.groups(ui.state ?? ui.cluster.state(), ui.selected);
    if (groups) act({ op: 'partition', groups });
    readEvents();
  });
  $('#rf-heal').addEventListener('click', () => { act({ op: 'heal' }); readEvents(); });
  $('#rf-node').addEventListener('change', (e) => { ui.selected = Number(e.target.value); });
  const nodeAct = (op) => () => {
    const nd = ui.cluster.state().nodes[ui.selected - 1];
    const o = op === 'crash' && !nd.up ? 'restart' : op;
    act({ op: o, node: ui.selected });
    readEvents();
  };
  for (const [btn, op] of [['#rf-crash', 'crash'], ['#rf-timeout', 'timeout'], ['#rf-transfer', 'transfer'],
    ['#rf-learner', 'learner'], ['#rf-promote', 'promote'], ['#rf-remove', 'remove']]) {
    $(btn).addEventListener('click', nodeAct(op));
  }
  /** Cuts the link between two nodes: both ways, or from → to only. */
  function cutLink(from, to, oneWay) {
    if (from === to) return;
    if (act({ op: 'cut', from, to }) && !oneWay) act({ op: 'cut', from: to, to: from });
    readEvents();
  }
  $('#rf-cut').addEventListener('click', () => cutLink(ui.selected, Number($('#rf-cut-to').value), $('#rf-oneway').checked));
  $('#rf-isolate').addEventListener('click', () => {
    const others = Array.from({ length: ui.cfg.nodes }, (_, k) => k + 1).filter((k) => k !== ui.selected);
    act({ op: 'partition', groups: [[ui.selected], others] });
    readEvents();
  });
  $('#rf-scrub').addEventListener('input', (e) => {
    setPlaying(false);
    ui.scrubTo = Number(e.target.value);
  });
  // While playing, the link is brought up to date when someone is about to use it.
  for (const ev of ['pointerenter', 'focus', 'contextmenu']) $('#rf-share').addEventListener(ev, updateShare);
  $('#rf-share').addEventListener('click', (e) => {
    updateShare();
    // Keep the link shareable: copy it, and load it here too (it is the same moment).
    const url = new URL($('#rf-share').href);
    navigator.clipboard?.writeText(url.href).catch(() => {});
    e.preventDefault();
    history.replaceState(null, '', url.hash);
    $('#rf-share').textContent = 'Link copied — it replays this moment';
    setTimeout(() => { $('#rf-share').textContent = 'Link to this moment'; }, 2000);
  });
  // Drag from one node to another to cut the link between them (a partition drawn by hand).
  const nodeAt = (e) => {
    const r = canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    return { x, y, hit: geo ? geo.pos.findIndex((p) => Math.hypot(p.x - x, p.y - y) <= geo.nodeR + 8) : -1 };
  };
  let dragged = false;
  canvas.addEventListener('pointerdown', (e) => {
    const { hit } = nodeAt(e);
    dragged = false;
    if (hit >= 0) ui.drag = { from: hit + 1, x: 0, y: 0, to: false };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!ui.drag) return;
    const { x, y, hit } = nodeAt(e);
    Object.assign(ui.drag, { x, y, to: ui.drag.to || hit !== ui.drag.from - 1 });
  });
  canvas.addEventListener('pointerup', (e) => {
    const d = ui.drag;
    ui.drag = null;
    if (!d?.to) return;
    dragged = true;
    const { hit } = nodeAt(e);
    if (hit >= 0 && hit + 1 !== d.from) cutLink(d.from, hit + 1, $('#rf-oneway').checked);
  });
  canvas.addEventListener('pointerleave', () => { ui.drag = null; });
  // Click (or tap) a node on the canvas to select it.
  canvas.addEventListener('click', (e) => {
    if (!geo || dragged) {
      dragged = false;
      return;
    }
    const { hit } = nodeAt(e);
    const menu = $('#rf-menu');
    if (hit < 0) {
      menu.hidden = true;
      return;
    }
    ui.selected = hit + 1;
    $('#rf-node').value = String(hit + 1);
    // A small menu by the node, as in RaftScope: crash or restart, time out, make leader.
    const nd = ui.cluster.state().nodes[hit];
    const leader = ui.state?.leader ?? 0;
    $('#rf-menu-title').textContent = `n${hit + 1}`;
    menu.querySelector('[data-op=crash]').textContent = nd.up ? 'Crash' : 'Restart';
    menu.querySelector('[data-op=timeout]').disabled = !nd.up;
    menu.querySelector('[data-op=transfer]').disabled = !leader || leader === hit + 1 || !nd.up;
    const p = geo.pos[hit];
    menu.style.left = `${Math.min(geo.w - 150, Math.max(0, p.x + geo.nodeR + 4))}px`;
    menu.style.top = `${Math.max(0, p.y - 20)}px`;
    menu.hidden = false;
    menu.querySelector('button').focus();
  });
  $('#rf-menu').addEventListener('click', (e) => {
    const op = e.target.dataset?.op;
    if (!op) return;
    nodeAct(op)();
    $('#rf-menu').hidden = true;
  });
  $('#rf-menu').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      $('#rf-menu').hidden = true;
      canvas.focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (e.target !== canvas && !$('#rf-menu').contains(e.target)) $('#rf-menu').hidden = true;
  });

  $('#rf-legend').innerHTML = legendHtml()
    + '<br>Click a node for its menu; drag from one node to another to cut that link.';

  // A shared link (#raft?…) replays what its author did, paused at the moment it was taken.
  const shared = decodeShare(location.hash);
  let startAt = 0;
  if (shared) {
    ui.cfg = { ...DEFAULTS, ...shared.cfg };
    ui.actions = shared.actions;
    ui.proposals = shared.actions.filter((a) => a.op === 'propose').length;
    startAt = shared.time;
    ui.playing = false;
  }
  syncControls();
  rebuild(startAt);
  renderActions();
  setSpeed(Number($('#rf-speed').value));
  setPlaying(ui.playing);
  startLoop();
}

/** Writes text only when it changed, so an unchanged frame costs no layout. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function fmtTime(ms) {
  return ms < 10_000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function escape(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** A compact fingerprint of what is drawn, for tests: role, term, commit and last entry per node. */
function digest(s) {
  return s.nodes.map((nd) => {
    const last = nd.log.length ? nd.log[nd.log.length - 1] : null;
    return `${nd.id}:${nd.up ? nd.role[0] : 'x'}:${nd.term}:${nd.commit}:${last ? `${last.index}/${last.term}` : nd.snapshotIndex}`;
  }).join(' ') + ` m${s.messages.length}`;
}
