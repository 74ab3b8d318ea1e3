// The graphql-http conformance audit (MUST, SHOULD and MAY rules of GraphQL over HTTP) against
// a running server: node scripts/audit-http.mjs <url> <token>. Prints the counts per level and
// every rule not met; exits 1 unless every rule passes.
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  headers.set('x-mercator-company', 'DEMO');
  return fetch(input, { ...init, headers });
};
const counts = {};
const missed = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const r = await audit.fn();
  const level = audit.name.split(' ')[0];
  counts[level] ??= { passed: 0, rules: 0 };
  counts[level].rules++;
  if (r.status === 'ok') counts[level].passed++;
  else missed.push(`${r.status} ${audit.name}: ${r.reason}`);
}
for (const [level, c] of Object.entries(counts)) console.log(`${level}: ${c.passed}/${c.rules}`);
for (const m of missed) console.log(m);
process.exit(missed.length === 0 && Object.keys(counts).length === 3 ? 0 : 1);
