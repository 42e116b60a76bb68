// Snowflake panel: live IDs drawn bit by bit, a decoder for any ID and layout,
// and a throughput meter. Every ID and decoded field comes from the package.
import { Snowflake, layouts, randomMachineId } from 'quorumkit/snowflake';

export const id = 'snowflake';

const FIELD_CLASS = { sign: 'f-sign', timestamp: 'f-time', machine: 'f-machine', sequence: 'f-seq' };

/** The fields of a layout, high bit to low, with their widths. */
function fieldsOf(layout) {
  const low = layout.order === 'sequence-machine'
    ? [['sequence', layout.sequenceBits], ['machine', layout.machineBits]]
    : [['machine', layout.machineBits], ['sequence', layout.sequenceBits]];
  return [['sign', 1], ['timestamp', layout.timestampBits], ...low];
}

function layoutOptions() {
  return Object.values(layouts)
    .map((l) => `<option value="${l.name}">${l.name} (${l.timestampBits}/${l.machineBits}/${l.sequenceBits})</option>`)
    .join('');
}

export function mount(root) {
  root.innerHTML = `
    <h2>Snowflake IDs</h2>
    <p class="explain">A Snowflake ID packs <em>when</em>, <em>who</em> and <em>how many</em> into one 64-bit
    integer: the milliseconds since an epoch, the ID of the machine that made it, and a sequence number
    that counts IDs within the same millisecond. Sorting IDs sorts them by time, and two machines never
    collide because their machine fields differ. When a millisecond's sequence is used up, the generator
    waits for the next millisecond instead of wrapping around — so it never repeats an ID.</p>
    <div class="sf-controls">
      <label>Layout <select id="sf-layout">${layoutOptions()}</select></label>
      <label>Machine ID <input id="sf-machine" type="number" min="0" step="1" inputmode="numeric"></label>
      <button id="sf-generate" type="button">Generate an ID</button>
      <label><input id="sf-auto" type="checkbox"> generate continuously</label>
    </div>
    <p class="sf-error" id="sf-gen-error" role="alert"></p>
    <div class="sf-id"><output id="sf-id-text" aria-live="polite"></output></div>
    <div class="sf-bits" id="sf-bits" role="img" aria-label="The 64 bits of the latest ID"></div>
    <dl class="sf-fields" id="sf-fields"></dl>

    <h3>Decode any ID</h3>
    <div class="sf-controls">
      <label>ID <input id="sf-decode-id" size="22" spellcheck="false" autocomplete="off" value="175928847299117063"></label>
      <label>as <select id="sf-decode-layout">${layoutOptions()}</select></label>
    </div>
    <p class="sf-error" id="sf-decode-error" role="alert"></p>
    <dl class="sf-fields" id="sf-decoded"></dl>

    <h3>Throughput</h3>
    <p class="explain">One generator can make at most 2<sup>sequence bits</sup> IDs per time unit: 4,096,000 per
    second for a 12-bit sequence. The meter runs <code>fill()</code> for one second in short slices and counts
    unique IDs.</p>
    <button id="sf-measure" type="button">Measure for 1 s</button>
    <output id="sf-rate" aria-live="polite"></output>
    <meter id="sf-meter" min="0" max="1" value="0" aria-label="share of the layout's limit"></meter>`;

  const $ = (sel) => root.querySelector(sel);
  $('#sf-decode-layout').value = 'discord';
  $('#sf-machine').value = String(randomMachineId());

  let gen = null;
  const rebuild = () => {
    gen?.free();
    gen = null;
    $('#sf-gen-error').textContent = '';
    try {
      gen = new Snowflake({ machineId: Number($('#sf-machine').value), layout: $('#sf-layout').value });
      $('#sf-machine').max = String(gen.layout.maxMachineId);
    } catch (e) {
      $('#sf-gen-error').textContent = e.message;
    }
  };

  const show = (idValue) => {
    const layout = gen.layout;
    const parts = Snowflake.decode(idValue, { layout: layout.name });
    $('#sf-id-text').textContent = idValue.toString();
    const bits = idValue.toString(2).padStart(64, '0');
    let at = 0;
    const cells = [];
    for (const [field, width] of fieldsOf(layout)) {
      for (let i = 0; i < width; i++, at++) {
        cells.push(`<span class="${FIELD_CLASS[field]}" title="${field}, bit ${63 - at}">${bits[at]}</span>`);
      }
    }
    $('#sf-bits').innerHTML = cells.join('');
    $('#sf-fields').innerHTML = [
      ['f-time', `timestamp (${layout.timestampBits} bits)`, `${parts.timestamp} = ${parts.date.toISOString()}`],
      ['f-machine', `machine (${layout.machineBits} bits)`, layout.fields.length ? `${parts.machineId} (${layout.fields.map((f) => `${f} ${parts[f]}`).join(', ')})` : parts.machineId],
      ['f-seq', `sequence (${layout.sequenceBits} bits)`, parts.sequence],
    ].map(([cls, name, value]) => `<dt><span class="swatch ${cls}"></span>${name}</dt><dd>${value}</dd>`).join('');
  };

  const generate = () => {
    if (!gen) rebuild();
    if (gen) show(gen.next());
  };

  const decode = () => {
    $('#sf-decode-error').textContent = '';
    try {
      const text = $('#sf-decode-id').value.trim();
      const parts = Snowflake.decode(text, { layout: $('#sf-decode-layout').value });
      const extra = Object.entries(parts).filter(([k]) => !['id', 'timestamp', 'date', 'machineId', 'sequence'].includes(k));
      $('#sf-decoded').innerHTML = [
        ['timestamp', `${parts.timestamp} (${parts.date.toISOString()})`],
        ['machine ID', parts.machineId],
        ...extra,
        ['sequence', parts.sequence],
      ].map(([k, v]) => `<dt>${k}</dt><dd data-field="${k}">${v}</dd>`).join('');
    } catch (e) {
      $('#sf-decoded').innerHTML = '';
      $('#sf-decode-error').textContent = e.message;
    }
  };

  const measure = async () => {
    if (!gen) return;
    $('#sf-measure').disabled = true;
    const batch = new BigUint64Array(4096);
    let count = 0;
    let busy = 0;
    let last = 0n;
    let ordered = true;
    const end = performance.now() + 1000;
    while (performance.now() < end) {
      const sliceEnd = Math.min(end, performance.now() + 50);
      const t = performance.now();
      while (performance.now() < sliceEnd) {
        gen.fill(batch);
        if (batch[0] <= last) ordered = false;
        last = batch[batch.length - 1];
        count += batch.length;
      }
      busy += performance.now() - t;
      await new Promise((r) => setTimeout(r, 0)); // let the page breathe between slices
    }
    const rate = count / (busy / 1000);
    const limit = gen.layout.idsPerSecond;
    $('#sf-rate').textContent = `${(rate / 1e6).toFixed(2)} M IDs/s — ${(100 * rate / limit).toFixed(1)} % of this layout's limit (${(limit / 1e6).toFixed(3)} M/s)${ordered ? '' : ' — ORDER VIOLATION'}`;
    $('#sf-meter').value = Math.min(1, rate / limit);
    $('#sf-measure').disabled = false;
  };

  let timer = null;
  $('#sf-auto').addEventListener('change', (e) => {
    clearInterval(timer);
    timer = e.target.checked ? setInterval(generate, 250) : null;
  });
  $('#sf-layout').addEventListener('change', () => { rebuild(); generate(); });
  $('#sf-machine').addEventListener('change', () => { rebuild(); generate(); });
  $('#sf-generate').addEventListener('click', generate);
  $('#sf-decode-id').addEventListener('input', decode);
  $('#sf-decode-layout').addEventListener('change', decode);
  $('#sf-measure').addEventListener('click', measure);

  rebuild();
  generate();
  decode();
}
