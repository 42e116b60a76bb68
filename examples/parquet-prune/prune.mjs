// Row-group pruning with Parquet bloom filters: which row groups of a Parquet file may hold
// a value, read from the filters the writer stored, without reading a single data page.
//
//   node examples/parquet-prune/prune.mjs events.parquet user_id 2042
//   node examples/parquet-prune/prune.mjs events.parquet country country-010
//
// hyparquet reads the file's footer (the metadata of every column chunk, including where its
// bloom filter lies); quorumkit loads each filter as Parquet stores it (header and bitset)
// and answers exactly as the engine that wrote it would.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { SplitBlockBloomFilter, parquetKey } from 'quorumkit';

/**
 * The bloom filters of `column` in the Parquet file `bytes`, one per row group (null where
 * the writer stored none), with the column's physical type.
 */
export function columnFilters(bytes, column) {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const meta = parquetMetadata(ab);
  const leaf = parquetSchema(meta).children.find((c) => c.element.name === column);
  if (!leaf) throw new RangeError(`column must be one of the file's columns, got ${JSON.stringify(column)}`);
  const type = leaf.element.type;
  const filters = meta.row_groups.map((rg) => {
    const chunk = rg.columns.find((c) => c.meta_data.path_in_schema.join('.') === column).meta_data;
    if (chunk.bloom_filter_offset === undefined) return null;
    const at = Number(chunk.bloom_filter_offset);
    // Writers that omit bloom_filter_length leave the filter's end to its header.
    const len = chunk.bloom_filter_length ?? bytes.length - at;
    return { rows: Number(rg.num_rows), filter: SplitBlockBloomFilter.fromParquet(bytes.subarray(at, at + len)) };
  });
  return { type, filters };
}

/** The indexes of the row groups that may hold `value` in `column`, and how many there are. */
export function prune(bytes, column, value) {
  const { type, filters } = columnFilters(bytes, column);
  const key = parquetKey(type === 'INT64' ? BigInt(value) : type === 'INT32' ? Number(value) : value, type);
  const keep = [];
  filters.forEach((f, i) => {
    if (f === null || f.filter.has(key)) keep.push(i);
  });
  for (const f of filters) f?.filter.free();
  return { type, keep, rowGroups: filters.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, column, value] = process.argv.slice(2);
  if (!file || !column || value === undefined) {
    console.error('usage: node prune.mjs FILE.parquet COLUMN VALUE');
    process.exit(2);
  }
  const { type, keep, rowGroups } = prune(readFileSync(file), column, value);
  console.log(`${column} (${type}) = ${value}: read row groups [${keep.join(', ')}], skip ${rowGroups - keep.length} of ${rowGroups}`);
}
