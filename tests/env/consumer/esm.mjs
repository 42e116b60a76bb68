import { crc32, xxh64, version } from 'quorumkit';
console.log(JSON.stringify({ version: version(), crc32: crc32('123456789'), xxh64: xxh64('').toString(16) }));
