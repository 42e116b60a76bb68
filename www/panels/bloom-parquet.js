// The Bloom panel's Parquet section: open a Parquet file (or the example one DuckDB wrote), see
// each row group's bloom filter for a column, and probe a value: the row groups a reader may
// skip. hyparquet reads the footer; every filter, bit count and answer comes from quorumkit.
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { SplitBlockBloomFilter, parquetKey } from 'quorumkit/bloom';
import exampleUrl from '../../examples/parquet-prune/events.parquet?url';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The value typed for a column of Parquet physical type `type`, as parquetKey takes it. */
function typedValue(text, type) {
  switch (type) {
    case 'INT64':
      if (!/^-?[0-9]+$/.test(text)) throw new TypeError(`an INT64 column needs an integer, got ${JSON.stringify(text)}`);
      return BigInt(text);
    case 'INT32':
    case 'FLOAT':
    case 'DOUBLE': {
      const v = Number(text);
      if (text.trim() === '' || Number.isNaN(v)) throw new TypeError(`a ${type} column needs a number, got ${JSON.stringify(text)}`);
      return v;
    }
    case 'BYTE_ARRAY':
      return text;
    default:
      throw new TypeError(`probing ${type} columns from the page is not supported`);
  }
}

export function mountParquet(root) {
  root.innerHTML = `
    <h3>Parquet files: which row groups may hold a value</h3>
    <p class="explain">A Parquet file may store a split-block Bloom filter per column and row group.
    A reader looking for one value checks each row group's filter and skips every row group whose
    filter says <strong>definitely not</strong>, without reading its data. Open a file, pick a column and
    probe a value.</p>
    <div class="bl-controls">
      <label>File <input id="bl-pq-file" type="file" accept=".parquet"></label>
      <button id="bl-pq-example" type="button">Load the example file</button>
      <label>Column <select id="bl-pq-column" disabled></select></label>
      <label>Value <input id="bl-pq-value" size="14" spellcheck="false" autocomplete="off" value="2042"></label>
      <button id="bl-pq-probe" type="button" disabled>Probe</button>
    </div>
    <p class="bl-error" id="bl-pq-error" role="alert"></p>
    <p><output id="bl-pq-summary" aria-live="polite"></output></p>
    <table class="bl-pq-table" id="bl-pq-table" hidden>
      <thead><tr><th>row group</th><th>rows</th><th>filter</th><th>bits set</th><th>answer</th></tr></thead>
      <tbody></tbody>
    </table>`;
  const $ = (sel) => root.querySelector(sel);
  let file = null; // { name, bytes, meta, columns: [{ name, type }] }
  let filters = []; // per row group: { rows, filter } or null, for the chosen column

  const freeFilters = () => {
    for (const f of filters) f?.filter.free();
    filters = [];
  };

  const showColumn = () => {
    freeFilters();
    const column = $('#bl-pq-column').value;
    filters = file.meta.row_groups.map((rg) => {
      const chunk = rg.columns.find((c) => c.meta_data.path_in_schema.join('.') === column).meta_data;
      if (chunk.bloom_filter_offset === undefined) return null;
      const at = Number(chunk.bloom_filter_offset);
      const len = chunk.bloom_filter_length ?? file.bytes.length - at;
      return { rows: Number(rg.num_rows), filter: SplitBlockBloomFilter.fromParquet(file.bytes.subarray(at, at + len)) };
    });
    probe();
  };

  const probe = () => {
    $('#bl-pq-error').textContent = '';
    const column = file.columns.find((c) => c.name === $('#bl-pq-column').value);
    let key = null;
    try {
      key = parquetKey(typedValue($('#bl-pq-value').value, column.type), column.type);
    } catch (e) {
      $('#bl-pq-error').textContent = e.message;
    }
    let read = 0;
    const rows = filters.map((f, i) => {
      const may = f === null || key === null || f.filter.has(key);
      if (may) read++;
      const answer = f === null ? 'no filter: read' : key === null ? '' : may ? 'may hold it: read' : 'definitely not: skip';
      const fill = f === null ? '' : `${(100 * f.filter.fillRatio()).toFixed(1)} %`;
      const size = f === null ? '–' : `${f.filter.byteLength.toLocaleString('en')} bytes`;
      return `<tr data-row-group="${i}" data-answer="${may ? 'read' : 'skip'}"><td>${i}</td><td>${(f?.rows ?? Number(file.meta.row_groups[i].num_rows)).toLocaleString('en')}</td>` +
        `<td>${size}</td><td>${fill}</td><td>${esc(answer)}</td></tr>`;
    });
    $('#bl-pq-table tbody').innerHTML = rows.join('');
    $('#bl-pq-table').hidden = false;
    const summary = $('#bl-pq-summary');
    summary.dataset.read = String(key === null ? '' : read);
    summary.textContent = key === null
      ? `${file.name}: ${filters.length} row groups`
      : `${file.name}, ${column.name} (${column.type}) = ${$('#bl-pq-value').value}: read ${read} of ${filters.length} row groups, skip ${filters.length - read}`;
  };

  const load = (name, buffer) => {
    $('#bl-pq-error').textContent = '';
    try {
      const meta = parquetMetadata(buffer);
      const schema = parquetSchema(meta);
      const withFilters = new Set(meta.row_groups.flatMap((rg) => rg.columns
        .filter((c) => c.meta_data.bloom_filter_offset !== undefined)
        .map((c) => c.meta_data.path_in_schema.join('.'))));
      const columns = schema.children
        .map((c) => ({ name: c.element.name, type: c.element.type }))
        .filter((c) => withFilters.has(c.name));
      if (columns.length === 0) throw new RangeError(`${name} stores no bloom filters`);
      freeFilters();
      file = { name, bytes: new Uint8Array(buffer), meta, columns };
      const select = $('#bl-pq-column');
      select.innerHTML = columns.map((c) => `<option value="${esc(c.name)}">${esc(c.name)} (${c.type})</option>`).join('');
      select.disabled = false;
      $('#bl-pq-probe').disabled = false;
      showColumn();
    } catch (e) {
      $('#bl-pq-error').textContent = `${name}: ${e.message}`;
    }
  };

  $('#bl-pq-file').addEventListener('change', async (ev) => {
    const f = ev.target.files[0];
    if (f) load(f.name, await f.arrayBuffer());
  });
  $('#bl-pq-example').addEventListener('click', async () => {
    load('events.parquet', await (await fetch(exampleUrl)).arrayBuffer());
  });
  $('#bl-pq-column').addEventListener('change', () => file && showColumn());
  $('#bl-pq-probe').addEventListener('click', () => file && probe());
  $('#bl-pq-value').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && file) probe();
  });
}
