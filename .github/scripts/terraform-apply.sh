#!/usr/bin/env bash
# Applies exactly the reviewed plan: usage terraform-apply.sh <artifact dir>, the `stack/` directory that
# terraform-plan.sh wrote in mode apply (tfplan, tfplan.sha256, cdk.tf.json, .terraform.lock.hcl).
# Refuses a plan whose checksum does not match; Terraform itself refuses a stale plan (state changed since).
set -euo pipefail
dir="${1:?usage: terraform-apply.sh <artifact dir with tfplan>}"
[ -f "$dir/tfplan" ] && [ -f "$dir/tfplan.sha256" ] || { echo "$dir has no tfplan and tfplan.sha256: nothing reviewed to apply" >&2; exit 1; }
(cd "$dir" && sha256sum --check --strict tfplan.sha256) || { echo "tfplan does not match its checksum: refusing to apply" >&2; exit 1; }
lockfile=()
[ -f "$dir/.terraform.lock.hcl" ] && lockfile=(-lockfile=readonly)
terraform -chdir="$dir" init -input=false -no-color "${lockfile[@]}"
terraform -chdir="$dir" apply -input=false -no-color -lock-timeout=10m tfplan
