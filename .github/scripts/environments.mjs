// Prints the environment matrix for the workflows: [{"environment":"dev","region":"eu-west-1","account":"..."}],
// read from config/environments (the same files `npm run synth` reads). With `--changed <base> <head>`, only the
// environments whose file changed, or all of them when shared code (modules, stacks, config schema, lockfile) did.
// With `--region <name>`, prints only that environment's region.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";

const dir = "config/environments";
const all = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => {
    const env = parse(readFileSync(`${dir}/${f}`, "utf8"));
    return { environment: env.name, region: env.region, account: String(env.account) };
  });

const regionOf = process.argv.indexOf("--region");
if (regionOf >= 0) {
  const name = process.argv[regionOf + 1];
  const env = all.find((e) => e.environment === name);
  if (!env) {
    console.error(
      `no environment ${JSON.stringify(name)} in ${dir}; allowed: ${all.map((e) => e.environment).join(", ")}`,
    );
    process.exit(1);
  }
  process.stdout.write(env.region);
  process.exit(0);
}

let selected = all;
const at = process.argv.indexOf("--changed");
if (at >= 0) {
  const [base, head] = process.argv.slice(at + 1, at + 3);
  const changed = execFileSync("git", ["diff", "--name-only", base, head], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  const shared = changed.some((f) =>
    /^(modules|stacks|config\/schema\.ts|config\/load\.ts|main\.ts|package(-lock)?\.json|cdktf\.json)/.test(f),
  );
  selected = shared ? all : all.filter((e) => changed.includes(`${dir}/${e.environment}.yaml`));
}
process.stdout.write(JSON.stringify(selected));
