// A route handler on the edge runtime (the `edge-light` export condition).
import { together } from '../together.js';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json(together());
}
