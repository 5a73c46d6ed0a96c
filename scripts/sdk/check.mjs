// The scenario runner the templates' Node SDK suites share (scripts/sdk-lib.sh copies it beside
// the suite as ./check.mjs): `check` runs one scenario and reports it, `finish` prints the count
// and exits with the suite's status.
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
