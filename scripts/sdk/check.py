"""The scenario runner the templates' Python SDK suites share (scripts/sdk-lib.sh puts this
folder on PYTHONPATH): `check` runs one scenario and reports it, `finish` prints the count and
exits with the suite's status."""
import sys

failures = []
passed = []


def check(name, fn):
    try:
        fn()
        passed.append(name)
        print(f"ok   {name}")
    except Exception as exc:  # noqa: BLE001 - a scenario failure of any kind is reported
        failures.append(name)
        print(f"FAIL {name}: {type(exc).__name__}: {exc}")


def finish(label):
    print(f"{label}: {len(passed)}/{len(passed) + len(failures)} scenarios passed")
    sys.exit(1 if failures else 0)
