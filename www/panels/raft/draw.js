// Drawing a Raft cluster on a canvas: nodes in a circle coloured by role, messages on
// the links between them, and each node's log as a row of entries. Shared by the
// simulated cluster and the live one (one node per browser tab): both hand these
// functions plain objects, so what is drawn is only ever what the package reported.

// Okabe–Ito, plus a letter per role so colour is never the only cue.
export const ROLE = {
  leader: { fill: '#009e73', ink: '#fff', letter: 'L', name: 'leader' },
  candidate: { fill: '#e69f00', ink: '#000', letter: 'C', name: 'candidate' },
  precandidate: { fill: '#f0e442', ink: '#000', letter: 'P', name: 'pre-candidate' },
  follower: { fill: '#56b4e9', ink: '#000', letter: 'F', name: 'follower' },
  down: { fill: '#c8c8d0', ink: '#000', letter: '✕', name: 'crashed' },
};
export const KIND = {
  Vote: { colour: '#e69f00', label: 'RequestVote' },
  PreVote: { colour: '#f0e442', label: 'PreVote' },
  VoteResp: { colour: '#e69f00', label: 'vote reply' },
  PreVoteResp: { colour: '#f0e442', label: 'pre-vote reply' },
  Append: { colour: '#0072b2', label: 'AppendEntries' },
  Heartbeat: { colour: '#0072b2', label: 'heartbeat' },
  AppendResp: { colour: '#56b4e9', label: 'append reply' },
  HeartbeatResp: { colour: '#56b4e9', label: 'heartbeat reply' },
  Snapshot: { colour: '#cc79a7', label: 'InstallSnapshot' },
  TimeoutNow: { colour: '#d55e00', label: 'TimeoutNow' },
};

/** The legend of role colours and message shapes, as HTML. */
export function legendHtml() {
  return [['leader', 'L'], ['candidate', 'C'], ['precandidate', 'P'], ['follower', 'F'], ['down', '✕']]
    .map(([r, l]) => `<span><span class="rf-sw" style="background:${ROLE[r].fill}"></span>${l} ${ROLE[r].name}</span>`).join(' ')
    + ' · <span>◆ RequestVote</span> <span>● reply ✓ granted / ✗ refused</span> <span>■ AppendEntries (□ heartbeat)</span>'
    + ' <span>▲ snapshot / TimeoutNow</span> · <span>orange arc: election timer</span> · <span>dashed ring: learner</span>';
}

/**
 * Sizes `canvas` to a square of `width` CSS pixels (260..560) and places the nodes `ids`
 * on a circle, the first at the top. Returns the geometry the other functions take:
 * `{ w, h, dpr, pos, nodeR, at(id) }`, `pos` in the order of `ids`.
 */
export function circleLayout(canvas, width, ids) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(260, Math.min(560, width));
  const h = w;
  if (canvas.width !== Math.round(w * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const count = Math.max(1, ids.length);
  const r = w * 0.36;
  const nodeR = Math.max(16, Math.min(30, w / (count * 2.2)));
  const pos = [];
  const slot = new Map();
  ids.forEach((id, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / count;
    pos.push({ x: w / 2 + r * Math.cos(a), y: h / 2 + r * Math.sin(a), a });
    slot.set(id, i);
  });
  return { w, h, dpr, pos, nodeR, at: (id) => pos[slot.get(id)] };
}

/**
 * Draws message `m` (`{ from, to, kind, progress 0..1, entries, granted }`) on its way
 * along the link, its shape and colour telling its kind.
 */
export function drawMessage(ctx, geo, m) {
  const { nodeR } = geo;
  const a = geo.at(m.from);
  const b = geo.at(m.to);
  if (!a || !b) return;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  // Offset sideways so a request and its reply do not overlap.
  const ox = (-dy / len) * 5;
  const oy = (dx / len) * 5;
  const t = nodeR / len + m.progress * (1 - (2 * nodeR) / len);
  const x = a.x + dx * t + ox;
  const y = a.y + dy * t + oy;
  const k = KIND[m.kind];
  ctx.fillStyle = k.colour;
  ctx.strokeStyle = '#1b1b1f';
  ctx.lineWidth = 1;
  ctx.beginPath();
  switch (m.kind) {
    case 'Vote':
    case 'PreVote':
      // A diamond: a request for votes.
      ctx.moveTo(x, y - 7); ctx.lineTo(x + 7, y); ctx.lineTo(x, y + 7); ctx.lineTo(x - 7, y); ctx.closePath();
      ctx.fill(); ctx.stroke();
      break;
    case 'VoteResp':
    case 'PreVoteResp':
      ctx.arc(x, y, 7, 0, 2 * Math.PI);
      ctx.fill(); ctx.stroke();
      ctx.fillStyle = '#000';
      ctx.font = 'bold 10px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      // The package says whether a vote reply grants; pre-vote replies carry no verdict.
      if (m.granted !== null) ctx.fillText(m.granted ? '✓' : '✗', x, y + 0.5);
      break;
    case 'Append':
    case 'Heartbeat': {
      // A square, bigger with more entries; a heartbeat is hollow.
      const r = m.kind === 'Heartbeat' ? 4 : Math.min(9, 5 + m.entries);
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
      if (m.kind === 'Heartbeat') { ctx.fillStyle = '#fff'; ctx.fill(); ctx.strokeStyle = k.colour; ctx.lineWidth = 2; ctx.stroke(); }
      else { ctx.fill(); ctx.stroke(); }
      if (m.entries > 0) {
        ctx.fillStyle = '#fff';
        ctx.font = 'bold 9px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(String(m.entries), x, y + 0.5);
      }
      break;
    }
    case 'AppendResp':
    case 'HeartbeatResp':
      ctx.arc(x, y, m.kind === 'HeartbeatResp' ? 3.5 : 5, 0, 2 * Math.PI);
      ctx.fill(); ctx.stroke();
      break;
    default: // Snapshot, TimeoutNow: a triangle
      ctx.moveTo(x, y - 8); ctx.lineTo(x + 8, y + 6); ctx.lineTo(x - 8, y + 6); ctx.closePath();
      ctx.fill(); ctx.stroke();
  }
}

/**
 * Draws `node` (`{ id, up, role, term, electionProgress }`): a disc coloured by role with
 * its letter and term, its election timer as an arc, a dashed ring if it is a learner and
 * faded if it is no member of `view` (`{ voters, learners }`, the configuration drawn).
 * `selected` thickens its outline; `name` (default `n<id>`) is written outside the circle.
 */
export function drawNode(ctx, geo, node, { view, selected = false, name = `n${node.id}` }) {
  const { nodeR } = geo;
  const p = geo.at(node.id);
  const look = node.up ? ROLE[node.role] : ROLE.down;
  const voter = view.voters.includes(node.id);
  const learner = view.learners.includes(node.id);

  // Election timer arc: how much of its randomized timeout has run.
  if (node.up && node.role !== 'leader' && node.electionProgress !== null) {
    ctx.strokeStyle = '#d6d6de';
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.arc(p.x, p.y, nodeR + 6, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.strokeStyle = '#d55e00';
    ctx.beginPath();
    ctx.arc(p.x, p.y, nodeR + 6, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * node.electionProgress);
    ctx.stroke();
  }
  ctx.globalAlpha = voter || learner ? 1 : 0.45;
  ctx.fillStyle = look.fill;
  ctx.beginPath();
  ctx.arc(p.x, p.y, nodeR, 0, 2 * Math.PI);
  ctx.fill();
  ctx.lineWidth = selected ? 3 : 1.5;
  ctx.strokeStyle = selected ? '#1b1b1f' : '#5a5a66';
  ctx.setLineDash(learner ? [4, 3] : []);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = look.ink;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `bold ${Math.round(nodeR * 0.62)}px system-ui, sans-serif`;
  ctx.fillText(look.letter, p.x, p.y - nodeR * 0.22);
  if (node.term !== null) {
    ctx.font = `${Math.round(nodeR * 0.42)}px ui-monospace, monospace`;
    ctx.fillText(`T${node.term}`, p.x, p.y + nodeR * 0.38);
  }
  ctx.globalAlpha = 1;
  // Name outside the circle.
  const lx = p.x + Math.cos(p.a) * (nodeR + 20);
  const ly = p.y + Math.sin(p.a) * (nodeR + 20);
  ctx.fillStyle = '#1b1b1f';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(`${name}${learner ? ' (learner)' : voter ? '' : ' (out)'}`, lx, ly);
}

/**
 * Draws one row per node of `rows` (`{ id, up, log: [{ index, term }], commit,
 * snapshotIndex }`) on `canvas`, `width` CSS pixels wide: each entry a box labelled with
 * its term, filled once committed, outlined before; entries a snapshot covers shaded.
 * The latest entries are shown when they do not all fit. `leader` (an id or 0) is marked.
 */
export function drawLogs(canvas, width, rows, leader) {
  const lctx = canvas.getContext('2d');
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(280, width);
  const rowH = 22;
  const labelW = 44;
  const h = rowH * rows.length + 18;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  lctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  lctx.clearRect(0, 0, w, h);
  const cell = 22;
  const cols = Math.max(4, Math.floor((w - labelW) / cell));
  let last = 0;
  for (const nd of rows) last = Math.max(last, nd.snapshotIndex + nd.log.length);
  const first = Math.max(1, last - cols + 1);
  lctx.font = '11px ui-monospace, monospace';
  lctx.textBaseline = 'middle';
  lctx.textAlign = 'center';
  lctx.fillStyle = '#5a5a66';
  for (let i = first; i <= last; i++) {
    if ((i - first) % 5 === 0 || i === last) lctx.fillText(String(i), labelW + (i - first) * cell + cell / 2, 8);
  }
  rows.forEach((nd, r) => {
    const y = 18 + r * rowH;
    lctx.textAlign = 'left';
    lctx.fillStyle = nd.id === leader ? '#009e73' : '#1b1b1f';
    lctx.font = `${nd.id === leader ? 'bold ' : ''}12px system-ui, sans-serif`;
    lctx.fillText(`n${nd.id}${nd.id === leader ? ' L' : nd.up ? '' : ' ✕'}`, 2, y + rowH / 2);
    lctx.font = '11px ui-monospace, monospace';
    lctx.textAlign = 'center';
    // Entries folded into a snapshot.
    if (nd.snapshotIndex >= first) {
      const x0 = labelW;
      const x1 = labelW + (nd.snapshotIndex - first + 1) * cell;
      lctx.fillStyle = '#e9d3e1';
      lctx.fillRect(x0 + 1, y + 2, x1 - x0 - 2, rowH - 4);
      if (x1 - x0 > 70) {
        lctx.fillStyle = '#1b1b1f';
        lctx.fillText(`snapshot ≤ ${nd.snapshotIndex}`, (x0 + x1) / 2, y + rowH / 2 + 0.5);
      }
    }
    for (const e of nd.log) {
      if (e.index < first) continue;
      const x = labelW + (e.index - first) * cell;
      const committed = e.index <= nd.commit;
      if (committed) {
        lctx.fillStyle = nd.up ? '#0072b2' : '#7d9fb8';
        lctx.fillRect(x + 1, y + 2, cell - 2, rowH - 4);
        lctx.fillStyle = '#fff';
      } else {
        lctx.strokeStyle = '#0072b2';
        lctx.lineWidth = 1.5;
        lctx.setLineDash([3, 2]);
        lctx.strokeRect(x + 1.5, y + 2.5, cell - 3, rowH - 5);
        lctx.setLineDash([]);
        lctx.fillStyle = '#1b1b1f';
      }
      lctx.fillText(String(e.term), x + cell / 2, y + rowH / 2 + 0.5);
    }
  });
}
