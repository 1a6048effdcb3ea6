/**
 * The generated Terraform modules, built once per jest run and shared by the test files that only read them: a
 * build formats every HCL file in a child process (about 1.5 s), and six unit test files read the same output.
 * The first file to ask builds into a folder of its own and renames it into place, so no file ever reads a
 * half-written build; a file that loses the race uses the winner's. The folder lives in the run's temp root
 * (test/helpers/temp-root.js), so every run builds from the code as it is then.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildTerraformModules } from "../../terraform-modules/build";

const RUN_ROOT = process.env.BASTIONLESS_TEST_TMP_ROOT;

/** Where this run's generated modules are (known before they are built, for paths computed at load time). */
export const MODULES_DIR = RUN_ROOT
  ? path.join(RUN_ROOT, "terraform-modules")
  : path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-tfmod-")), "modules");

/** The list of module folders a build returned, kept beside them for the files that reuse the build. */
const DIRS_FILE = ".module-dirs.json";

/** Builds the modules into MODULES_DIR unless this run already has; returns the module folders. */
export function sharedTerraformModules(): { outdir: string; dirs: string[] } {
  const built = path.join(MODULES_DIR, DIRS_FILE);
  const reuse = () => {
    const names = JSON.parse(fs.readFileSync(built, "utf8")) as string[];
    return { outdir: MODULES_DIR, dirs: names.map((n) => path.join(MODULES_DIR, n)) };
  };
  if (fs.existsSync(built)) return reuse();
  const own = `${MODULES_DIR}.build-${process.pid}`;
  const { dirs } = buildTerraformModules(own);
  fs.writeFileSync(path.join(own, DIRS_FILE), JSON.stringify(dirs.map((d) => path.relative(own, d))));
  try {
    fs.renameSync(own, MODULES_DIR);
  } catch (e) {
    if (!["ENOTEMPTY", "EEXIST"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
    fs.rmSync(own, { recursive: true, force: true }); // another test file's build won: the same output
  }
  return reuse();
}
