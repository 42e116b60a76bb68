// The Raft panel's shareable moment: seed, options and the user's actions with
// their virtual times, in the URL's hash fragment (#raft?…). Loading one replays
// the run on the deterministic simulator to exactly that moment.

const CODES = {
  crash: 'c', restart: 'r', timeout: 'o', propose: 'p', partition: 'P', heal: 'h',
  drop: 'd', step: 's', cut: 'k', transfer: 'T', learner: 'l', promote: 'm', remove: 'x',
};
const OPS = Object.fromEntries(Object.entries(CODES).map(([op, code]) => [code, op]));

function arg(a) {
  switch (a.op) {
    case 'propose': return encodeURIComponent(a.data);
    case 'partition': return a.groups.map((g) => g.join('-')).join('_');
    case 'drop': return String(a.rate);
    case 'cut': return `${a.from}-${a.to}`;
    case 'heal':
    case 'step': return '';
    default: return String(a.node);
  }
}

/** `raft?…` for the hash: the options, the actions applied so far and the current time. */
export function encodeShare(cfg, actions, time) {
  const q = [
    `n=${cfg.nodes}`, `seed=${cfg.seed}`, `lat=${cfg.latency}`,
    cfg.dropRate ? `drop=${cfg.dropRate}` : '', cfg.preVote ? 'pv=1' : '', cfg.checkQuorum ? 'cq=1' : '',
    cfg.compactEvery ? `ce=${cfg.compactEvery}` : '', cfg.voters ? `v=${cfg.voters}` : '',
    `t=${time}`, actions.length ? `a=${actions.map((a) => `${a.t}${CODES[a.op]}${arg(a)}`).join(',')}` : '',
  ];
  return `raft?${q.filter(Boolean).join('&')}`;
}

const int = (s, lo, hi) => {
  const v = Number(s);
  return Number.isSafeInteger(v) && v >= lo && v <= hi ? v : undefined;
};

/** The options, actions and time of a `#raft?…` hash, or null if it is not one (bad parts are skipped). */
export function decodeShare(hash) {
  const m = /^#raft\?(.*)$/.exec(hash);
  if (!m) return null;
  const p = new URLSearchParams(m[1]);
  const cfg = {};
  const nodes = int(p.get('n'), 3, 9);
  if (nodes !== undefined) cfg.nodes = nodes;
  const seed = int(p.get('seed'), 0, Number.MAX_SAFE_INTEGER);
  if (seed !== undefined) cfg.seed = seed;
  const lat = int(p.get('lat'), 0, 1000);
  if ([5, 15, 50, 150].includes(lat)) cfg.latency = lat;
  const drop = Number(p.get('drop') ?? 0);
  if (drop >= 0 && drop <= 1) cfg.dropRate = drop;
  cfg.preVote = p.get('pv') === '1';
  cfg.checkQuorum = p.get('cq') === '1';
  cfg.compactEvery = [5, 20].includes(int(p.get('ce'), 0, 100)) ? int(p.get('ce'), 0, 100) : 0;
  const v = int(p.get('v'), 0, 9);
  cfg.voters = v !== undefined && v < (cfg.nodes ?? 5) ? v : 0;
  const actions = [];
  for (const item of (p.get('a') ?? '').split(',')) {
    const a = /^(\d+)([a-zA-Z])(.*)$/.exec(item);
    if (!a || !OPS[a[2]]) continue;
    const t = Number(a[1]);
    const op = OPS[a[2]];
    const rest = a[3];
    if (op === 'propose') actions.push({ t, op, data: decodeURIComponent(rest) });
    else if (op === 'partition') actions.push({ t, op, groups: rest.split('_').map((g) => g.split('-').filter(Boolean).map(Number)) });
    else if (op === 'drop') actions.push({ t, op, rate: Number(rest) });
    else if (op === 'cut') {
      const [from, to] = rest.split('-').map(Number);
      actions.push({ t, op, from, to });
    }
    else if (op === 'heal' || op === 'step') actions.push({ t, op });
    else actions.push({ t, op, node: Number(rest) });
  }
  actions.sort((x, y) => x.t - y.t);
  const time = int(p.get('t'), 0, Number.MAX_SAFE_INTEGER) ?? (actions.length ? actions[actions.length - 1].t : 0);
  return { cfg, actions, time };
}

/** The partitions the panel offers; `groups(state, selected)` picks the members from the cluster's state. */
export function partitionPresets(n) {
  const ids = Array.from({ length: n }, (_, k) => k + 1);
  const apart = (few) => [few, ids.filter((id) => !few.includes(id))];
  const presets = [
    { label: 'Isolate the leader', groups: (s) => (s.leader ? apart([s.leader]) : null) },
    {
      label: 'Leader in a minority',
      groups: (s) => {
        if (!s.leader) return null;
        // A minority of the voters, as the leader's configuration lists them.
        const voters = s.nodes[s.leader - 1].voters;
        const size = Math.max(1, Math.floor((voters.length - 1) / 2));
        const at = voters.indexOf(s.leader);
        const few = [s.leader];
        for (let k = 1; few.length < size && k < voters.length; k++) few.push(voters[(at + k) % voters.length]);
        return apart(few);
      },
    },
    { label: `Halves {1…${Math.floor(n / 2)}} | {${Math.floor(n / 2) + 1}…${n}}`, groups: () => apart(ids.slice(0, Math.floor(n / 2))) },
    { label: 'Isolate the selected node', groups: (_, sel) => apart([sel]) },
  ];
  if (n >= 6) {
    const third = Math.ceil(n / 3);
    presets.push({
      label: 'Three ways (no majority)',
      groups: () => [ids.slice(0, third), ids.slice(third, 2 * third), ids.slice(2 * third)],
    });
  }
  return presets;
}
