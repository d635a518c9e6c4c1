// The GraphQL-over-HTTP audit (graphql-http's own) against a running server:
//   node scripts/frontend/audit.mjs http://127.0.0.1:8000/graphql
// Prints every audit; exits 1 when any MUST or SHOULD fails (MAY is informational).
import { auditServer } from 'graphql-http';

const url = process.argv[2] ?? 'http://127.0.0.1:8000/graphql';
const results = await auditServer({ url });
let failed = 0;
const tally = {};
for (const result of results) {
  const level = result.name.split(' ')[0];
  tally[level] ??= { ok: 0, notice: 0, error: 0, warn: 0 };
  tally[level][result.status] = (tally[level][result.status] ?? 0) + 1;
  const blocking = result.status !== 'ok' && level !== 'MAY';
  if (blocking) failed += 1;
  const mark = result.status === 'ok' ? 'ok  ' : blocking ? 'FAIL' : 'note';
  console.log(`${mark} ${result.name}${result.status === 'ok' ? '' : ` — ${result.reason}`}`);
  if (blocking && result.response) {
    const body = await result.response.text().catch(() => '');
    console.log(`     status ${result.response.status} ${result.response.headers.get('content-type')}: ${body.slice(0, 300)}`);
  }
}
for (const [level, counts] of Object.entries(tally)) {
  console.log(`${level}: ${counts.ok} ok, ${results.filter((r) => r.name.startsWith(level) && r.status !== 'ok').length} not`);
}
process.exit(failed ? 1 : 0);
