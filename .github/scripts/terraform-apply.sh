#!/usr/bin/env bash
# Applies exactly the reviewed plan of one environment: usage terraform-apply.sh <plan dir> [<tfplan>]
#   <plan dir>  what terraform-plan.sh wrote in mode apply: result.json (the saved plan's SHA-256 and run attempt),
#               changes.json (the plan's changes) and stack/ (cdk.tf.json, .terraform.lock.hcl)
#   <tfplan>    the saved plan, when it could still be downloaded
# The saved plan is applied when it exists, its SHA-256 is the one result.json recorded (the checksum never travels
# with the file it checks) and it was made in this run attempt. Otherwise - the plan expired while the apply waited
# for approval, or this is a re-run after a failed apply - Terraform plans again (state lock taken) and that plan is
# applied only when every change in it is one of the planned changes (plan-changes.mjs check against changes.json:
# after a partial apply, what is left of the reviewed changes), and only while this run's commit (GITHUB_SHA) is
# still the head of its branch (BRANCH_HEAD, when set): an older run must not plan its older configuration over what
# a newer run applied. Terraform itself refuses a saved plan made against a state that changed since.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: terraform-apply.sh <plan dir with result.json, changes.json and stack/> [<tfplan>]}"
tfplan="${2:-}"
for f in result.json changes.json stack/cdk.tf.json; do
  [ -f "$dir/$f" ] || { echo "$dir/$f not found: nothing reviewed to apply" >&2; exit 1; }
done
field() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(r[process.argv[2]] ?? ""))' "$dir/result.json" "$1"; }
env="$(field environment)"
sha="$(field sha256)"
attempt="$(field attempt)"
stack="$dir/stack"
lockfile=()
[ -f "$stack/.terraform.lock.hcl" ] && lockfile=(-lockfile=readonly)
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

reason=""
if [ -z "$tfplan" ] || [ ! -f "$tfplan" ]; then
  reason="the saved plan is no longer available (artifacts of saved plans are kept one day)"
elif [ "$attempt" != "${GITHUB_RUN_ATTEMPT:-1}" ]; then
  reason="this is run attempt ${GITHUB_RUN_ATTEMPT:-1}; the saved plan is from attempt $attempt and may be stale"
fi

if [ -z "$reason" ]; then
  actual="$(sha256sum "$tfplan" | cut -d' ' -f1)"
  [ -n "$sha" ] && [ "$actual" = "$sha" ] || {
    echo "tfplan does not match the checksum the plan job recorded ($actual, expected ${sha:-none}): refusing to apply" >&2
    exit 1
  }
  cp "$tfplan" "$stack/tfplan"
  terraform -chdir="$stack" init -input=false -no-color "${lockfile[@]}"
  terraform -chdir="$stack" apply -input=false -no-color -lock-timeout=10m tfplan
  exit 0
fi

if [ -n "${BRANCH_HEAD:-}" ] && [ -n "${GITHUB_SHA:-}" ] && [ "$BRANCH_HEAD" != "$GITHUB_SHA" ]; then
  echo "$env: not planning again ($reason): this run's commit $GITHUB_SHA is no longer the head of the branch ($BRANCH_HEAD); the newer run applies both" >&2
  exit 1
fi
echo "$env: planning again: $reason"
terraform -chdir="$stack" init -input=false -no-color "${lockfile[@]}"
set +e
terraform -chdir="$stack" plan -input=false -no-color -detailed-exitcode -lock=true -lock-timeout=10m -out=tfplan
code=$?
set -e
[ "$code" -ne 1 ] || { echo "$env: the new plan failed" >&2; exit 1; }
if [ "$code" -eq 0 ]; then
  echo "$env: the new plan has no changes: nothing left to apply"
  printf '### %s: planned again, no changes left to apply\n%s\n' "$env" "$reason" >> "$summary"
  exit 0
fi
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
terraform -chdir="$stack" show -json tfplan > "$json"
{
  printf '### %s: planned again (%s)\n\n```\n' "$env" "$reason"
  terraform -chdir="$stack" show -no-color tfplan
  printf '```\n'
} >> "$summary"
if ! node "$here/plan-changes.mjs" check "$json" "$env" "$dir/changes.json"; then
  echo "$env: refusing to apply: the new plan has changes the reviewed plan did not have (see above); merge a pull request whose plan shows them" >&2
  exit 1
fi
terraform -chdir="$stack" apply -input=false -no-color -lock-timeout=10m tfplan
