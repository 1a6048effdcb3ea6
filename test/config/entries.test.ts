/**
 * What is in the environment directory: editor leftovers are ignored, entries that are not readable files are
 * named, and BASTIONLESS_CONFIG_DIR is named when it is the source of a bad path.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { loadEnvironments } from "../../loader/load";
import { envDir, problemsOf, tempDir } from "../helpers/env-dir";

const names = (dir: string) => loadEnvironments(dir).map((e) => e.config.name);

describe("GIVEN editor and tool leftovers next to the environment files", () => {
  test("WHEN the directory holds lock files, swap files, backups and dotfiles THEN they are ignored", () => {
    const dir = envDir({
      "dev.yaml~": "garbage: [",
      "#dev.yaml#": "garbage: [",
      ".dev.yaml.swp": Buffer.from([0, 1, 2, 3]),
      ".hidden.yaml": "garbage: [",
      "README.md": "# notes",
      "dev.yaml.orig": "garbage: [",
    });
    fs.symlinkSync("user@host.1234:1700000000", path.join(dir, ".#dev.yaml")); // emacs lock: a dangling symlink
    expect(names(dir)).toEqual(["dev", "prod", "staging"]);
  });

  test("WHEN a file ends in .YAML or .yml THEN it is an environment file too", () => {
    const dir = envDir();
    fs.renameSync(path.join(dir, "dev.yaml"), path.join(dir, "dev.YAML"));
    fs.renameSync(path.join(dir, "prod.yaml"), path.join(dir, "prod.yml"));
    expect(names(dir)).toEqual(["dev", "prod", "staging"]);
  });
});

describe("GIVEN an entry named like an environment file that is not a readable file", () => {
  test("WHEN it is a directory THEN the entry is named", () => {
    const dir = envDir();
    fs.mkdirSync(path.join(dir, "archive.yaml"));
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(/archive\.yaml: is a directory, not a YAML file; rename or move it$/),
    ]);
  });

  test("WHEN it is a dangling symlink THEN the entry and its target are named", () => {
    const dir = envDir();
    fs.symlinkSync("/nonexistent/qa.yaml", path.join(dir, "qa.yaml"));
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /qa\.yaml: is a symbolic link to \/nonexistent\/qa\.yaml, which does not exist; remove the link or restore its target$/,
      ),
    ]);
  });

  test("WHEN it is a symlink loop THEN the entry is named", () => {
    const dir = envDir();
    fs.symlinkSync("loop.yaml", path.join(dir, "loop.yaml"));
    expect(problemsOf(dir)).toEqual([expect.stringMatching(/loop\.yaml: is a symbolic link loop$/)]);
  });

  test("WHEN it is a symlink to a directory THEN the entry is named", () => {
    const dir = envDir();
    fs.symlinkSync(tempDir(), path.join(dir, "linked.yaml"));
    expect(problemsOf(dir)).toEqual([expect.stringMatching(/linked\.yaml: is a directory, not a YAML file/)]);
  });

  test("WHEN it is a symlink to a valid file THEN it loads", () => {
    const dir = envDir();
    const elsewhere = path.join(tempDir(), "dev.yaml");
    fs.renameSync(path.join(dir, "dev.yaml"), elsewhere);
    fs.symlinkSync(elsewhere, path.join(dir, "dev.yaml"));
    expect(names(dir)).toEqual(["dev", "prod", "staging"]);
  });

  test("WHEN it is a FIFO THEN the entry is named (and the load does not block reading it)", () => {
    const dir = envDir();
    execFileSync("mkfifo", [path.join(dir, "pipe.yaml")]);
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(/pipe\.yaml: is not a regular file \(a FIFO, socket or device\)/),
    ]);
  });

  test("WHEN several entries are broken THEN all are reported together with the other files' problems", () => {
    const dir = envDir({ "empty.yaml": "" });
    fs.mkdirSync(path.join(dir, "archive.yaml"));
    fs.symlinkSync("/nonexistent", path.join(dir, "gone.yaml"));
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(
      /archive\.yaml: is a directory[\s\S]*empty\.yaml: is empty[\s\S]*gone\.yaml: is a symbolic link/,
    );
  });
});

describe("GIVEN BASTIONLESS_CONFIG_DIR as the source of the directory", () => {
  const options = { variable: "BASTIONLESS_CONFIG_DIR" };

  test("WHEN it names a missing directory THEN the variable is named", () => {
    const missing = path.join(tempDir(), "nope");
    expect(problemsOf(missing, options)).toEqual([
      `BASTIONLESS_CONFIG_DIR=${missing}: environment directory does not exist`,
    ]);
  });

  test("WHEN it names a file THEN the variable is named", () => {
    const file = path.join(envDir(), "dev.yaml");
    expect(problemsOf(file, options)).toEqual([
      `BASTIONLESS_CONFIG_DIR=${file}: is not a directory; it must name a directory of <name>.yaml files`,
    ]);
  });

  test("WHEN it is empty THEN the variable is named", () => {
    expect(problemsOf("", options)).toEqual([
      "BASTIONLESS_CONFIG_DIR is set but empty; unset it or name a directory of <name>.yaml files",
    ]);
  });

  test("WHEN it names a directory without environment files THEN the variable is named", () => {
    const dir = tempDir();
    expect(problemsOf(dir, options)).toEqual([
      `BASTIONLESS_CONFIG_DIR=${dir}: no environment files; add one <name>.yaml per environment (see config/environments in the repository)`,
    ]);
  });
});
