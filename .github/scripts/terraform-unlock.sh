#!/usr/bin/env bash
# Releases a state lock that a killed run left behind (a cancelled or timed-out job, a lost runner): usage
# terraform-unlock.sh <environment> <lock id>. Run by unlock.yml with the environment's apply role, after
# `npm run synth` (the backend settings come from cdktf.out/stacks/<environment>/cdk.tf.json, or STACK_DIR).
# Reads the lock first - the S3 lock object <key>.tflock (use_lockfile) or the DynamoDB lock item - and refuses when
#   - there is no lock (nothing to do: exit 0),
#   - the lock's ID is not the one given (someone else holds it now),
#   - the lock is younger than UNLOCK_MIN_AGE_MINUTES (default 65: longer than any job that takes the lock runs, so
#     a live plan or apply is never unlocked under its feet).
# Then terraform force-unlock. The lock's holder, operation and age go to the job summary.
set -euo pipefail
env="${1:?usage: terraform-unlock.sh <environment> <lock id>}"
id="${2:?usage: terraform-unlock.sh <environment> <lock id>}"
stack="${STACK_DIR:-cdktf.out/stacks/$env}"
min_age="${UNLOCK_MIN_AGE_MINUTES:-65}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
[[ "$id" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
  { echo "lock id '$id' is not a lock ID: copy the ID from Terraform's 'Error acquiring the state lock' message (Lock Info: ID)" >&2; exit 1; }
[ -f "$stack/cdk.tf.json" ] || { echo "$stack/cdk.tf.json not found: run npm run synth first" >&2; exit 1; }
read -r bucket key region lockfile table < <(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).terraform?.backend?.s3;
  if (!s) { console.error("the stack has no S3 backend (HCP Terraform: unlock in the workspace, Settings, Locking)"); process.exit(1); }
  console.log([s.bucket, s.key, s.region, s.use_lockfile === true, s.dynamodb_table ?? "-"].join(" "));
' "$stack/cdk.tf.json")

info="$(mktemp)"
trap 'rm -f "$info" "$info.err"' EXIT
if [ "$lockfile" = true ]; then
  if ! aws s3api get-object --bucket "$bucket" --key "$key.tflock" --region "$region" "$info" > /dev/null 2> "$info.err"; then
    if grep -q NoSuchKey "$info.err"; then
      echo "$env: s3://$bucket/$key.tflock does not exist: the state is not locked, nothing to do"
      exit 0
    fi
    cat "$info.err" >&2
    exit 1
  fi
elif [ "$table" != - ]; then
  aws dynamodb get-item --table-name "$table" --region "$region" --key "{\"LockID\":{\"S\":\"$bucket/$key\"}}" \
    --query Item.Info.S --output text > "$info"
  if [ ! -s "$info" ] || [ "$(cat "$info")" = None ]; then
    echo "$env: no lock item for $bucket/$key in $table: the state is not locked, nothing to do"
    exit 0
  fi
else
  echo "$env: the S3 backend has neither use_lockfile nor a DynamoDB table: there is no lock to release" >&2
  exit 1
fi

node -e '
  const [file, id, minAge, env] = process.argv.slice(1);
  const lock = JSON.parse(require("fs").readFileSync(file, "utf8"));
  const created = Date.parse(lock.Created);
  const age = Math.floor((Date.now() - created) / 60000);
  console.log(`${env}: lock ${lock.ID} held by ${lock.Who} for ${lock.Operation} since ${lock.Created} (${age} minutes)`);
  if (lock.ID !== id) {
    console.error(`${env}: the lock is ${lock.ID} now, not ${id}: refusing (read the current lock ID from the failed run)`);
    process.exit(1);
  }
  if (!(age >= Number(minAge))) {
    console.error(`${env}: the lock is ${Number.isNaN(age) ? "of unknown age" : `${age} minutes old`}; a lock younger than ${minAge} minutes may belong to a running job: refusing`);
    process.exit(1);
  }
' "$info" "$id" "$min_age" "$env" | tee -a "$summary"

terraform -chdir="$stack" init -input=false -no-color
terraform -chdir="$stack" force-unlock -force "$id"
echo "$env: lock $id released" | tee -a "$summary"
