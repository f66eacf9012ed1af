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

rule "Where to look"
echo "Migrated repository: $repo"
echo "Report:              $work/migration-report.md"
