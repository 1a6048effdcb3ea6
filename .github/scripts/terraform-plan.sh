#!/usr/bin/env bash
# Plans one synthesized stack with Terraform itself (not the cdktf CLI): usage terraform-plan.sh <environment> <mode>
#   mode pull-request | drift: -lock=false (a read-only plan never waits for, nor takes, the state lock)
#   mode apply: takes the lock (waits up to 10 minutes) and keeps the saved plan for the gated apply job
# Writes $PLAN_OUT/<environment>/ (default plan-out/):
#   plan.txt      the plan as text (terraform show -no-color of the saved plan; the error output when planning failed)
#   result.json   {"environment","mode","exitcode","sha256"}: exitcode is plan -detailed-exitcode's (0 none, 2 changes, 1 error)
#   stack/        mode apply only: tfplan, tfplan.sha256 and the configuration it was planned from (cdk.tf.json,
#                 .terraform.lock.hcl): the artifact terraform-apply.sh applies
# Prints exitcode=<n> to $GITHUB_OUTPUT when set. Exits 1 when the plan failed, else 0.
set -euo pipefail
env="${1:?usage: terraform-plan.sh <environment> <pull-request|apply|drift>}"
mode="${2:?usage: terraform-plan.sh <environment> <pull-request|apply|drift>}"
stack="${STACK_DIR:-cdktf.out/stacks/$env}"
out="${PLAN_OUT:-plan-out}/$env"
case "$mode" in
  pull-request | drift) lock=(-lock=false) ;;
  apply) lock=(-lock=true -lock-timeout=10m) ;;
  *) echo "mode must be pull-request, apply or drift, not \"$mode\"" >&2; exit 1 ;;
esac
[ -f "$stack/cdk.tf.json" ] || { echo "$stack/cdk.tf.json not found: run npm run synth first" >&2; exit 1; }
mkdir -p "$out"
rm -f "$stack/tfplan"

set +e
terraform -chdir="$stack" init -input=false -no-color > "$out/log.txt" 2>&1
code=$?
if [ "$code" -eq 0 ]; then
  terraform -chdir="$stack" plan -input=false -no-color -detailed-exitcode "${lock[@]}" -out=tfplan >> "$out/log.txt" 2>&1
  code=$?
fi
set -e

sha=""
if [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; then
  terraform -chdir="$stack" show -no-color tfplan > "$out/plan.txt"
  if [ "$mode" = apply ]; then
    mkdir -p "$out/stack"
    cp "$stack/tfplan" "$stack/cdk.tf.json" "$out/stack/"
    [ -f "$stack/.terraform.lock.hcl" ] && cp "$stack/.terraform.lock.hcl" "$out/stack/"
    sha="$(cd "$out/stack" && sha256sum tfplan | tee tfplan.sha256 | cut -d' ' -f1)"
  fi
else
  code=1
  cp "$out/log.txt" "$out/plan.txt"
fi
printf '{"environment":"%s","mode":"%s","exitcode":%d,"sha256":"%s"}\n' "$env" "$mode" "$code" "$sha" > "$out/result.json"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "exitcode=$code" >> "$GITHUB_OUTPUT"
echo "$env: terraform plan exit code $code ($( [ $code -eq 2 ] && echo changes || { [ $code -eq 0 ] && echo 'no changes' || echo failed; } ))"
[ "$code" -ne 1 ]
