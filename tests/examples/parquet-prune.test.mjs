// examples/parquet-prune on a file DuckDB wrote (examples/parquet-prune/make_data.py): every
// row group that holds a value is kept (no false negative), and the filters rule out most of
// the others; each filter, loaded as the file stores it, writes back bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { columnFilters, prune } from '../../examples/parquet-prune/prune.mjs';

const bytes = readFileSync(join(import.meta.dirname, '../../examples/parquet-prune/events.parquet'));
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

/** Every row group's distinct values of `column`, read from the data pages. */
async function truth(column) {
  const meta = parquetMetadata(file);
  const out = [];
  let start = 0;
  for (const rg of meta.row_groups) {
    const end = start + Number(rg.num_rows);
    const rows = await parquetReadObjects({ file, columns: [column], rowStart: start, rowEnd: end });
    out.push(new Set(rows.map((r) => String(r[column]))));
    start = end;
  }
  return out;
}

test('parquet-prune: no false negative, most row groups skipped, filters written back bit for bit', async () => {
  for (const [column, absent] of [
    ['user_id', Array.from({ length: 2000 }, (_, i) => String(50_000 + i))],
    ['country', Array.from({ length: 200 }, (_, i) => `country-${String(500 + i)}`)],
  ]) {
    const groups = await truth(column);
    assert.equal(groups.length, 4);
    const all = new Set(groups.flatMap((g) => [...g]));
    let kept = 0;
    let pairs = 0;
    for (const v of all) {
      const { keep } = prune(bytes, column, v);
      groups.forEach((g, i) => {
        if (g.has(v)) assert.ok(keep.includes(i), `${column} = ${v} is in row group ${i}, which was skipped`);
      });
      kept += keep.filter((i) => !groups[i].has(v)).length;
      pairs += groups.filter((g) => !g.has(v)).length;
    }
    // Present values: the row groups without them are mostly skipped.
    assert.ok(kept <= pairs * 0.1, `${column}: ${kept} of ${pairs} row groups without the value were read`);
    // Absent values: nearly every row group is skipped.
    let read = 0;
    for (const v of absent) read += prune(bytes, column, v).keep.length;
    assert.ok(read <= absent.length * 4 * 0.05, `${column}: ${read} of ${absent.length * 4} reads for absent values`);
    // Loaded as the file stores them, the filters write back to the same bytes.
    const meta = parquetMetadata(file);
    const { filters } = columnFilters(bytes, column);
    filters.forEach(({ filter }, i) => {
      const chunk = meta.row_groups[i].columns.find((c) => c.meta_data.path_in_schema[0] === column).meta_data;
      const at = Number(chunk.bloom_filter_offset);
      assert.deepEqual(filter.toParquet(), new Uint8Array(bytes.subarray(at, at + chunk.bloom_filter_length)));
      filter.free();
    });
  }
});

test('parquet-prune: an unknown column is a RangeError naming it', () => {
  assert.throws(() => prune(bytes, 'nope', 'x'), (e) => e instanceof RangeError && /^column must be/.test(e.message));
});
