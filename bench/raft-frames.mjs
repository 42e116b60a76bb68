// Frame times of the Raft panel with 9 nodes under load: bench/page-frames.mjs --only=raft.
// Usage: node bench/raft-frames.mjs [--seconds=8] [--speed=0]   (speed: log10 of the speed slider)
if (!process.argv.some((a) => a.startsWith('--only='))) process.argv.push('--only=raft');
await import('./page-frames.mjs');
