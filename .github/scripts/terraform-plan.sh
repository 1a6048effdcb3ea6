#!/usr/bin/env bash
# Plans one synthesized stack with Terraform itself (not the cdktf CLI): usage terraform-plan.sh <environment> <mode>
#   every mode: -lock=false (the plan roles may not write the lock object; a saved plan is applied under the lock, and
#     Terraform refuses it when the state changed since it was made)
#   mode apply: keeps the saved plan for the gated apply job; with
#     REVIEWED_PLANS=<dir> set, checks that every change is one a reviewed plan of this environment showed
#     (plan-changes.mjs check, summaries found anywhere below <dir>)
# Writes $PLAN_OUT/<environment>/ (default plan-out/):
#   plan.txt      the plan as text (terraform show -no-color of the saved plan; the error output when planning failed)
#   changes.json  the plan's resource changes without values (plan-changes.mjs summarize): what a later apply of
#                 this environment is compared with
#   review.txt    mode apply with REVIEWED_PLANS: the outcome of the check (which changes were not reviewed)
#   result.json   {"environment","mode","exitcode","sha256","attempt","reviewed"}: exitcode is plan -detailed-exitcode's
#                 (0 none, 2 changes, 1 error); sha256 the saved plan's (mode apply, the apply job checks the file it
#                 downloads against it); attempt GITHUB_RUN_ATTEMPT; reviewed true/false (null: not checked)
#   stack/        mode apply only: the configuration the plan was made from (cdk.tf.json, .terraform.lock.hcl)
#   tfplan        mode apply only: the saved plan
# Prints exitcode=<n> to $GITHUB_OUTPUT when set. Exits 1 when the plan failed, else 0.
set -euo pipefail
env="${1:?usage: terraform-plan.sh <environment> <pull-request|apply|drift>}"
mode="${2:?usage: terraform-plan.sh <environment> <pull-request|apply|drift>}"
here="$(cd "$(dirname "$0")" && pwd)"
stack="${STACK_DIR:-cdktf.out/stacks/$env}"
out="${PLAN_OUT:-plan-out}/$env"
case "$mode" in
  pull-request | drift | apply) lock=(-lock=false) ;;
  *) echo "mode must be pull-request, apply or drift, not \"$mode\"" >&2; exit 1 ;;
esac
[ -f "$stack/cdk.tf.json" ] || { echo "$stack/cdk.tf.json not found: run npm run synth first" >&2; exit 1; }
mkdir -p "$out"
rm -rf "$stack/tfplan" "$out/stack" "$out/tfplan" "$out/changes.json" "$out/review.txt"

set +e
terraform -chdir="$stack" init -input=false -no-color > "$out/log.txt" 2>&1
code=$?
if [ "$code" -eq 0 ]; then
  terraform -chdir="$stack" plan -input=false -no-color -detailed-exitcode "${lock[@]}" -out=tfplan >> "$out/log.txt" 2>&1
  code=$?
fi
set -e

sha=""
reviewed=null
if [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; then
  terraform -chdir="$stack" show -no-color tfplan > "$out/plan.txt"
  # The JSON holds sensitive values in clear text: it stays in the runner's temporary directory.
  json="$(mktemp)"
  trap 'rm -f "$json"' EXIT
  terraform -chdir="$stack" show -json tfplan > "$json"
  node "$here/plan-changes.mjs" summarize "$json" "$env" > "$out/changes.json"
  if [ "$mode" = apply ]; then
    mkdir -p "$out/stack"
    cp "$stack/tfplan" "$out/tfplan"
    cp "$stack/cdk.tf.json" "$out/stack/"
    [ -f "$stack/.terraform.lock.hcl" ] && cp "$stack/.terraform.lock.hcl" "$out/stack/"
    sha="$(sha256sum "$out/tfplan" | cut -d' ' -f1)"
    if [ -n "${REVIEWED_PLANS:-}" ]; then
      if node "$here/plan-changes.mjs" check "$json" "$env" "$REVIEWED_PLANS" > "$out/review.txt" 2>&1; then
        reviewed=true
      else
        reviewed=false
      fi
    fi
  fi
else
  code=1
  cp "$out/log.txt" "$out/plan.txt"
fi
printf '{"environment":"%s","mode":"%s","exitcode":%d,"sha256":"%s","attempt":%d,"reviewed":%s}\n' \
  "$env" "$mode" "$code" "$sha" "${GITHUB_RUN_ATTEMPT:-1}" "$reviewed" > "$out/result.json"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "exitcode=$code" >> "$GITHUB_OUTPUT"
echo "$env: terraform plan exit code $code ($( [ $code -eq 2 ] && echo changes || { [ $code -eq 0 ] && echo 'no changes' || echo failed; } ))"
[ -f "$out/review.txt" ] && cat "$out/review.txt"
[ "$code" -ne 1 ]
