// A server component (rendered per request in Node) and a client component
// (run in the browser after hydration), each running the workload.
import { together } from './together.js';
import Client from './client.js';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <main>
      <pre id="server">{JSON.stringify(together())}</pre>
      <Client />
    </main>
  );
}
