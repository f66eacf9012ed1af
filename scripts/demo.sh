#!/usr/bin/env bash
# make demo: migrate a copy of fixtures/example-project in a temporary git repository.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/prefect1-migrate-demo.XXXXXX")"
repo="$work/example-project"
cp -r "$here/fixtures/example-project" "$repo"
cd "$repo"
git init -q -b main
git config user.name "Demo User"
git config user.email "demo@example.com"
git add -A
git commit -q -m "Data platform flows on Prefect 0.15"
before="$(git rev-parse HEAD)"

rule() { printf '\n==== %s ====\n\n' "$1"; }

rule "prefect1-migrate list"
prefect1-migrate list

rule "prefect1-migrate migrate --check (exit 1: work to do)"
prefect1-migrate migrate --check . || echo "(exit code $?)"

rule "prefect1-migrate migrate --dry-run (the unified diff, nothing written)"
prefect1-migrate migrate --dry-run . || echo "(exit code $?)"

rule "prefect1-migrate migrate --report migration-report.md"
prefect1-migrate migrate --report "$work/migration-report.md" . || echo "(exit code $?)"

rule "git log --stat (one commit per codemod)"
git --no-pager log --stat --format='%n%h %s%n%n%b' HEAD~"$(($(git rev-list --count HEAD) - 1))"..HEAD

rule "prefect1-migrate migrate --check --pending-only (exit 0: nothing left to rewrite)"
prefect1-migrate migrate --check --pending-only . && echo "(exit code 0)"

rule "prefect1-migrate migrate --check (exit 1 until a human resolves every TODO(prefect-1.0) marker)"
prefect1-migrate migrate --check . || echo "(exit code $?)"

rule "Prefect 0.15.13 and 1.4.1 for verify (cached virtualenvs under .cache/prefect-envs, built on first use as the tests build them)"
pythons="$(cd "$here" && python -c '
from tests.realprefect.envs import ensure_envs
for python in ensure_envs(("0.15.13", "1.4.1")).values():
    print(python)
')"
old_python="$(sed -n 1p <<<"$pythons")"
new_python="$(sed -n 2p <<<"$pythons")"
echo "$old_python"
echo "$new_python"

rule "prefect1-migrate verify --against the commit before the migration (imports the flows: the real Prefect 1.4.1 judges them)"
prefect1-migrate verify . --python "$new_python" --against "$before" --old-python "$old_python" \
    --report "$work/verify-report.md" && echo "(exit code 0)"

rule "Where to look"
echo "Migrated repository: $repo"
echo "Report:              $work/migration-report.md"
echo "Verify report:       $work/verify-report.md"
