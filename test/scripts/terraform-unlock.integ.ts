/**
 * .github/scripts/terraform-unlock.sh (unlock.yml): it reads the lock (S3 lock object, or the DynamoDB lock item)
 * before releasing it, and refuses a lock that is someone else's now or young enough to belong to a running job.
 * A fake `aws` answers with the lock and a recording fake `terraform` shows what would run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.join(__dirname, "..", "..", ".github", "scripts", "terraform-unlock.sh");
const ID = "6f1c3b8e-2d4a-4f0e-9b7c-1a2b3c4d5e6f";

interface Setup {
  lock?: { ID: string; Created: string; Who?: string; Operation?: string };
  backend?: Record<string, unknown>;
}
function setup({ lock, backend }: Setup) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-unlock-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.mkdirSync(path.join(dir, "stack"));
  const s3 = backend ?? {
    bucket: "acme-state",
    key: "bastionless/dev.tfstate",
    region: "eu-west-1",
    use_lockfile: true,
  };
  fs.writeFileSync(path.join(dir, "stack", "cdk.tf.json"), JSON.stringify({ terraform: { backend: { s3 } } }));
  const info = lock
    ? JSON.stringify({
        Who: "runner@gh",
        Operation: "OperationTypeApply",
        Path: "",
        Version: "1.11.4",
        Info: "",
        ...lock,
      })
    : "";
  fs.writeFileSync(path.join(dir, "lock.json"), info);
  // aws s3api get-object ... <outfile>: writes the lock or fails with NoSuchKey; dynamodb get-item prints Item.Info.S.
  fs.writeFileSync(
    path.join(dir, "bin", "aws"),
    `#!/usr/bin/env bash
echo "aws $*" >> "${dir}/calls"
if [ "$1 $2" = "s3api get-object" ]; then
  [ -s "${dir}/lock.json" ] || { echo "An error occurred (NoSuchKey) when calling the GetObject operation" >&2; exit 254; }
  cp "${dir}/lock.json" "\${@: -1}"; echo '{}'; exit 0
fi
if [ "$1 $2" = "dynamodb get-item" ]; then
  if [ -s "${dir}/lock.json" ]; then cat "${dir}/lock.json"; else echo None; fi; exit 0
fi
exit 1
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(dir, "bin", "terraform"), `#!/usr/bin/env bash\necho "terraform $*" >> "${dir}/calls"\n`, {
    mode: 0o755,
  });
  const run = (id = ID, env: NodeJS.ProcessEnv = {}) =>
    spawnSync("bash", [SCRIPT, "dev", id], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${dir}/bin:${process.env.PATH}`,
        STACK_DIR: path.join(dir, "stack"),
        GITHUB_STEP_SUMMARY: "",
        ...env,
      },
    });
  const calls = () => (fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8") : "");
  return { dir, run, calls };
}
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace("Z", "123456Z");

describe("terraform-unlock.sh", () => {
  test("GIVEN the named lock, older than any job runs THEN it reads s3://bucket/key.tflock, then force-unlocks that ID", () => {
    const u = setup({ lock: { ID, Created: ago(90) } });
    const r = u.run();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`dev: lock ${ID} held by runner@gh for OperationTypeApply since`);
    expect(u.calls()).toContain(
      "aws s3api get-object --bucket acme-state --key bastionless/dev.tfstate.tflock --region eu-west-1",
    );
    expect(u.calls()).toContain(`terraform -chdir=${u.dir}/stack force-unlock -force ${ID}`);
  });

  test.each([
    [
      "a lock of 20 minutes (a running job may hold it)",
      { ID, Created: ago(20) },
      ID,
      /20 minutes old; a lock younger than 65 minutes may belong to a running job: refusing/,
    ],
    [
      "another lock than the one named",
      { ID: "0".repeat(8) + ID.slice(8), Created: ago(300) },
      ID,
      /the lock is 00000000-.* now, not 6f1c3b8e-.*: refusing/,
    ],
  ])("GIVEN %s THEN it refuses and unlocks nothing", (_, lock, id, message) => {
    const u = setup({ lock });
    const r = u.run(id);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(u.calls()).not.toContain("force-unlock");
  });

  test("GIVEN no lock THEN nothing to do; GIVEN a malformed ID THEN it says where the ID comes from", () => {
    const none = setup({});
    const r = none.run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("does not exist: the state is not locked, nothing to do");
    expect(none.calls()).not.toContain("terraform");
    const bad = none.run("latest; rm -rf /");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      "is not a lock ID: copy the ID from Terraform's 'Error acquiring the state lock' message",
    );
  });

  test("GIVEN a DynamoDB lock table THEN the lock item is read by LockID bucket/key", () => {
    const u = setup({
      lock: { ID, Created: ago(120) },
      backend: { bucket: "acme-state", key: "b/dev.tfstate", region: "eu-west-1", dynamodb_table: "locks" },
    });
    expect(u.run().status).toBe(0);
    expect(u.calls()).toContain(
      `aws dynamodb get-item --table-name locks --region eu-west-1 --key {"LockID":{"S":"acme-state/b/dev.tfstate"}}`,
    );
    expect(u.calls()).toContain(`force-unlock -force ${ID}`);
  });
});
