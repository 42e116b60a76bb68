// A Next.js App Router app as a user would write it, with the one line the
// README gives for quorumkit (serverExternalPackages: Turbopack turns
// `new URL(…, import.meta.url)` in server code into a URL path, which the Node
// entry cannot read the module from; external, Node loads the package itself).
// The test installs the packed tarball next to the tools, in a folder above
// this app, and names that folder as the project root.
export default {
  serverExternalPackages: ['quorumkit'],
  turbopack: { root: process.env.QUORUMKIT_ENV_ROOT },
  outputFileTracingRoot: process.env.QUORUMKIT_ENV_ROOT,
};
