// The main job's fast path: `npm run synth`, and `cdktn synth` through cdktf.json's `app`, run main.ts as ONE
// precompiled file instead of ~440 separately resolved, read, transpiled and source-mapped modules.
//
// - main.ts and everything it imports (our .ts files and the packages: cdktf, constructs, the provider classes,
//   zod, yaml) are bundled by esbuild (a pinned devDependency) into node_modules/.cache/bastionless-synth/. Nothing
//   prebuilt is committed: a fresh clone builds the bundle on its first synth (about a second).
// - V8's code cache of the bundle is written next to it after a successful synth, so it holds the bytecode of every
//   function the synth ran, not only of the top-level code (which is all Node's own compile cache keeps): V8 compiles
//   a function when it is first called, and those lazy compilations were a sixth of a small synth. The cache is
//   per bundle and per set of node flags; V8 itself rejects one that does not fit this node binary or these flags
//   (it is then written anew).
// - Never stale: every run first checks the bundle against what it was built from (every project source file that
//   went into it, the size and mtime of every package file, the file names in every project folder it read from,
//   and this launcher's own text); any difference rebuilds it before anything runs. A project file counts as
//   unchanged when its size, mtime, inode and ctime are those seen at build time (any write changes the ctime, which
//   no tool can set back), or else when its text is exactly the text the bundle was built from. An edit is
//   therefore always picked up, also one that keeps a file's size and modification time. (Texts are compared, not
//   hashed: loading the hash functions alone cost more than reading the ~80 files.)
// - Token creation stack traces (CDKTN_DISABLE_CREATION_STACK) are off: cdktn captures one for every token (about
//   a tenth of a synth) only to decorate an error message about an unresolvable token. Set it to 0 to get them.
// - Source maps are written but not loaded: `NODE_OPTIONS=--enable-source-maps npm run synth` maps an unexpected
//   stack trace back to the .ts lines (the bundle is then compiled as require() compiles a module, without the code
//   cache).
// - The packages go into the bundle exactly as published: nothing of a dependency's code is edited or replaced, so a
//   patch release of cdktn, constructs or zod (reformatted or not) is bundled as it is.
// - Memory: the bundle is stored already wrapped as a module, and its bytes and code cache share one buffer, so that
//   loading it touches as little fresh memory as it can.
// - Worker threads, only when asked for (BASTIONLESS_SYNTH_THREADS=N, synth/synth-threads.ts): each worker runs this
//   file on the bundle the main thread checked, with the same code cache, and writes no cache of its own.
// BASTIONLESS_SYNTH_DEBUG=1 prints whether the bundle was reused or rebuilt (and why), and how the stacks were
// shared out among threads, to stderr.
// Development tools (tests, tools/, ops/) keep running the .ts files directly (tools/swc-register.js).
"use strict";
// The oldest Node the project runs on (package.json "engines"): say so plainly rather than fail on a missing API.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(
    `synth failed; nothing was written: Node ${process.versions.node} is too old; bastionless needs Node 20.19 or later (22 LTS recommended)`,
  );
  process.exit(1);
}
const fs = require("fs");
const path = require("path");
const Module = require("module");
const vm = require("vm");
const { isAscii } = require("buffer");

const ROOT = path.join(__dirname, "..");
const ENTRY = path.join(ROOT, "main.ts");
// One cache per checkout (a copy of the project may share node_modules through a symlink).
const CACHE = path.join(ROOT, "node_modules", ".cache", "bastionless-synth", ROOT.replace(/[^A-Za-z0-9]+/g, "-"));
const MANIFEST = path.join(CACHE, "manifest.json");
const SOURCES = path.join(CACHE, "sources.json"); // the text of every project file, read only when a stat differs
const debug =
  process.env.BASTIONLESS_SYNTH_DEBUG === "1" ? (m) => process.stderr.write(`launcher.js: ${m}\n`) : () => {};

const read = (file) => fs.readFileSync(file, "utf8");
const own = (file) => !file.split(path.sep).includes("node_modules");
const statKey = (file) => {
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}`;
};
const writeKey = (file) => {
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}:${s.ino}:${s.ctimeMs}`;
};
const listing = (dir) => fs.readdirSync(dir).sort().join("\n");

/** Why the cached bundle can't be used, or undefined when it was built from exactly the files on disk now. */
function staleness(manifest) {
  if (!manifest) return "no bundle yet";
  try {
    if (manifest.launcher !== read(__filename)) return "synth/launcher.js changed";
    let texts;
    // (paths are joined by hand: path.join on every one of ~400 files cost more than their stat calls)
    for (const [rel, key] of Object.entries(manifest.own)) {
      const file = ROOT + path.sep + rel; // the OS resolves the rare "../" of a file beside the project
      if (writeKey(file) === key) continue;
      texts ??= JSON.parse(read(SOURCES));
      if (read(file) !== texts[manifest.bundle]?.[rel]) return `${rel} changed`;
    }
    for (const [file, key] of Object.entries(manifest.packages))
      if (statKey(file) !== key) return `${path.relative(ROOT, file)} changed`;
    for (const [rel, names] of Object.entries(manifest.folders))
      if (listing(path.join(ROOT, rel)) !== names) return `a file was added to or removed from ${rel || "."}/`;
    if (!fs.existsSync(path.join(CACHE, manifest.bundle))) return "bundle missing";
  } catch (e) {
    return `${e.code ?? e.message}`; // a source file was removed or is unreadable
  }
  return undefined;
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
  } catch {
    return undefined;
  }
}

/** esbuild keeps `__dirname` as the bundle's folder: give each project file that uses it its own folder back. */
const projectDirname = {
  name: "project-dirname",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!own(args.path)) return undefined;
      const source = fs.readFileSync(args.path, "utf8");
      if (!/\b__(dirname|filename)\b/.test(source)) return { contents: source, loader: "ts" };
      // on the first line, so that the source map's line numbers stay those of the file
      const vars = `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)}; `;
      return { contents: vars + source, loader: "ts" };
    });
  },
};

async function build() {
  const esbuild = require("esbuild");
  fs.mkdirSync(CACHE, { recursive: true });
  const launcher = read(__filename);
  const tmp = path.join(CACHE, `build-${process.pid}-${Date.now()}.js`);
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    logLevel: "silent",
    plugins: [projectDirname],
  });
  const manifest = { launcher, bundle: "", own: {}, packages: {}, folders: {} };
  const texts = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = path.resolve(input); // esbuild reports inputs relative to the working directory
    const rel = path.relative(ROOT, file);
    if (own(file)) {
      manifest.own[rel] = writeKey(file);
      texts[rel] = read(file);
      const dir = path.dirname(rel) === "." ? "" : path.dirname(rel);
      manifest.folders[dir] ??= listing(path.join(ROOT, dir));
    } else {
      manifest.packages[file] = statKey(file); // absolute: node_modules may be a symlink out of ROOT
    }
  }
  // Each build has its own bundle name: a concurrent synth that still reads the previous manifest keeps finding
  // the previous bundle, and the manifest (renamed into place last) never points at a half-written file.
  const code = fs.readFileSync(tmp);
  manifest.ascii = isAscii(code); // esbuild escapes other characters: checked once here, not on every run
  manifest.bundle = `main-${Date.now().toString(36)}-${process.pid}.js`;
  const bundle = path.join(CACHE, manifest.bundle);
  fs.writeFileSync(
    tmp,
    WRAPPER[0] +
      String(code).replace(/\/\/# sourceMappingURL=.*\s*$/, `//# sourceMappingURL=${manifest.bundle}.map`) +
      WRAPPER[1],
  );
  fs.renameSync(`${tmp}.map`, `${bundle}.map`);
  fs.renameSync(tmp, bundle);
  // sources.json is keyed by bundle name, so it always matches the manifest that names the bundle
  fs.writeFileSync(`${SOURCES}.${process.pid}`, JSON.stringify({ [manifest.bundle]: texts }));
  fs.renameSync(`${SOURCES}.${process.pid}`, SOURCES);
  fs.writeFileSync(`${MANIFEST}.${process.pid}`, JSON.stringify(manifest));
  fs.renameSync(`${MANIFEST}.${process.pid}`, MANIFEST);
  fs.rmSync(path.join(CACHE, "v8"), { recursive: true, force: true }); // Node's compile cache, used before
  // Older bundles go, but only once they are a while old: a concurrent synth may have just built one and not yet
  // loaded it.
  const cutoff = Date.now() - 10 * 60 * 1000;
  for (const old of fs.readdirSync(CACHE)) {
    const file = path.join(CACHE, old);
    if (/^(main-.*\.js(\.map|\..*\.v8)?|build-.*)$/.test(old) && !old.startsWith(manifest.bundle))
      if ((fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff)
        fs.rmSync(file, { force: true });
  }
  return manifest;
}

async function bundlePath() {
  let manifest = readManifest();
  const why = staleness(manifest);
  if (why === undefined) debug(`reusing ${manifest.bundle}`);
  else {
    debug(`rebuilding: ${why}`);
    manifest = await build();
  }
  return { bundle: path.join(CACHE, manifest.bundle), ascii: manifest.ascii === true };
}

/** The code cache's file: per bundle, node version and node flags (V8 rejects a cache made under other flags). */
function codeCachePath(bundle) {
  const flags = [process.version, process.arch, ...process.execArgv].join(" ");
  let h = 0;
  for (let i = 0; i < flags.length; i++) h = (Math.imul(h, 31) + flags.charCodeAt(i)) | 0;
  return `${bundle}.${(h >>> 0).toString(36)}.v8`;
}

/**
 * The bundle is stored inside the function wrapper require() would put around it (`Module.wrap`): compiling it takes
 * the file's text as it is, where a wrapper added at run time made V8 copy the 2 MB text once more.
 */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname) { ", "\n});"];

/** Reads `size` bytes of the open file `fd` into the start of `buffer`; returns how many it read. */
function readAll(fd, buffer, size) {
  let done = 0;
  for (let n; done < size && (n = fs.readSync(fd, buffer, done, size - done, done)) > 0;) done += n;
  return done;
}

/** Opens `file` for reading, or returns undefined when it does not exist (yet). */
function openIfExists(file) {
  try {
    return fs.openSync(file, "r");
  } catch {
    return undefined;
  }
}

/**
 * Runs the bundle as require() would (same module wrapper, require, module, __filename and __dirname), compiled
 * with its code cache; after a successful run without a usable cache, writes one that holds every function run.
 */
function runBundle({ bundle, ascii }) {
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  if (process.sourceMapsEnabled) {
    mod.paths = Module._nodeModulePaths(path.dirname(bundle));
    // require()'s own compile, which reads the source map; it is given the text inside the stored wrapper (exactly
    // esbuild's output, whose lines and columns the map describes), without the code cache
    const text = fs.readFileSync(bundle, "utf8");
    mod._compile(text.slice(WRAPPER[0].length, text.length - WRAPPER[1].length), bundle);
    return mod.exports;
  }
  const cacheFile = codeCachePath(bundle);
  // The bundle's bytes and then its code cache are read into ONE buffer, reused once the bytes are decoded: every
  // page of memory a process touches first costs a page fault, and on a virtual machine those are dear (measured on
  // the development VM: 5 ms per MB; a second buffer for the 2.5 MB cache was 600 more page faults).
  const fd = fs.openSync(bundle, "r");
  const cacheFd = openIfExists(cacheFile);
  let source, cachedData;
  try {
    const size = fs.fstatSync(fd).size;
    const cacheSize = cacheFd === undefined ? 0 : fs.fstatSync(cacheFd).size;
    const buffer = Buffer.allocUnsafeSlow(Math.max(size, cacheSize));
    // An ASCII bundle (esbuild escapes other characters) decoded as Latin-1 gives the same string several times
    // faster than UTF-8 decoding does (measured: 10 against 49 ms for the 2 MB bundle). Either way it is a copy.
    source = buffer.toString(ascii ? "latin1" : "utf8", 0, readAll(fd, buffer, size));
    if (cacheFd !== undefined) cachedData = buffer.subarray(0, readAll(cacheFd, buffer, cacheSize));
  } finally {
    fs.closeSync(fd);
    if (cacheFd !== undefined) fs.closeSync(cacheFd);
  }
  const script = new vm.Script(source, { filename: bundle, cachedData });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  debug(cached ? "code cache accepted" : cachedData ? "code cache rejected" : "no code cache yet");
  if (!cached && require("worker_threads").isMainThread)
    process.once("exit", (code) => {
      if (code !== 0) return; // a failed synth ran only part of the code: leave the cache to a complete run
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
        debug("code cache written");
      } catch (e) {
        debug(`code cache not written: ${e.message}`); // a read-only cache folder only costs speed
      }
    });
  mod.loaded = true;
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  return mod.exports;
}

/** What the bundle's synth/synth-threads.ts needs to start a worker thread: this file and the bundle it runs. */
const LAUNCHER = Symbol.for("bastionless.synth.launcher");

// (worker_threads is loaded only when the variable says so: loading it costs every synth a few milliseconds)
if (process.env.BASTIONLESS_SYNTH_WORKER === "1" && !require("worker_threads").isMainThread) {
  // A worker thread of a synth (synth/synth-threads.ts): the main thread has checked and built the bundle.
  const { bundle } = require("worker_threads").workerData; // { bundle: path, ascii }, as bundlePath() returned it
  globalThis[LAUNCHER] = { launcher: __filename, bundle };
  runBundle(bundle);
} else
  bundlePath().then(
    (bundle) => {
      process.env.CDKTN_DISABLE_CREATION_STACK ??= "1";
      globalThis[LAUNCHER] = { launcher: __filename, bundle };
      runBundle(bundle);
    },
    (e) => {
      console.error(`synth failed; nothing was written: could not build the app: ${e.message}`);
      process.exitCode = 1;
    },
  );
