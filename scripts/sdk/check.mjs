// The scenario runner the templates' Node SDK suites share (scripts/sdk-lib.sh copies it beside
// the suite as ./check.mjs): `check` runs one scenario and reports it, `finish` prints the count
// and exits with the suite's status; `withReceiver` takes a clone's webhook deliveries.
import { createServer } from 'node:http';

const failures = [];
let passed = 0;

export async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
  }
}

export function finish(label) {
  console.log(`${label}: ${passed}/${passed + failures.length} scenarios passed`);
  process.exit(failures.length ? 1 : 0);
}

// Runs `body(url, received, until)` with a webhook receiver on a free loopback port at `url`:
// `received` holds each delivery's `{ headers, body }` in order (each answered 200), and
// `until(found)` waits (10 s at most) for the first delivery `found` picks and returns it
// (undefined when none came). The receiver is closed when `body` ends.
export async function withReceiver(body) {
  const received = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => { received.push({ headers: req.headers, body: text }); res.end('ok'); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const until = async (found) => {
    for (let i = 0; i < 200 && !received.find(found); i++) await new Promise((r) => setTimeout(r, 50));
    return received.find(found);
  };
  try {
    return await body(`http://127.0.0.1:${server.address().port}/hook`, received, until);
  } finally {
    server.close();
  }
}
