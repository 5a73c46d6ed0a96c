// The scenario runner the templates' Node SDK suites share (scripts/sdk-lib.sh copies it beside
// the suite as ./check.mjs): `check` runs one scenario and reports it, `finish` prints the count
// and exits with the suite's status; `withReceiver` takes a clone's webhook deliveries; `admin`
// calls the clone's admin surface.
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
    // A GraphQL client's error (Linear's) carries the server's `errors` apart from its message.
    if (err && err.errors) console.log(JSON.stringify(err.errors, null, 1).slice(0, 1500));
  }
}

export function finish(label) {
  console.log(`${label}: ${passed}/${passed + failures.length} scenarios passed`);
  process.exit(failures.length ? 1 : 0);
}

// Calls the clone's admin surface (`ASYM_ADMIN_URL`/<path>, with `ASYM_ADMIN_SECRET`; both
// exported by scripts/sdk-lib.sh) for set-up the product does outside its API; resolves with the
// JSON it answers (null when empty). A non-2xx answer throws, naming the call, status and body.
export async function admin(method, path, body) {
  const { ASYM_ADMIN_URL: base, ASYM_ADMIN_SECRET: secret } = process.env;
  if (!base || !secret) {
    throw new Error('ASYM_ADMIN_URL and ASYM_ADMIN_SECRET must be set (run.sh sets them; '
      + 'for an existing clone: ASYM_ADMIN_SECRET=$(asym admin <id> --secret))');
  }
  const response = await fetch(`${base}/${path}`, {
    method,
    headers: { 'X-Asym-Admin-Secret': secret, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Runs `body(url, received, until)` with a webhook receiver on a free loopback port at `url`:
// `received` holds each delivery's `{ headers, body }` in order, and `until(found)` waits (10 s
// at most) for the first delivery `found` picks and returns it (undefined when none came). Each
// delivery is answered 200 `ok`, or with what `respond(delivery)` returns: `{ status, body }`
// (an object body is sent as JSON), for a product that reads the answer (Slack's URL
// verification echoes its `challenge`). The receiver is closed when `body` ends.
export async function withReceiver(body, respond = () => ({ status: 200, body: 'ok' })) {
  const received = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => {
      const delivery = { headers: req.headers, body: text };
      received.push(delivery);
      const answer = respond(delivery);
      const json = typeof answer.body !== 'string';
      res.writeHead(answer.status, json ? { 'Content-Type': 'application/json' } : {});
      res.end(json ? JSON.stringify(answer.body) : answer.body);
    });
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
