// Builds Go programs from the Go module proxy into the server cache: `go install` where a module allows it, a
// throwaway tools module where the module's own `replace` directives make `go install pkg@version` refuse it.
//
// Plain JavaScript on purpose: bootstrap runs it before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ProvisionError, buildInto, cacheEntry, commandWorks } from './provision.mjs';

/**
 * One Go program to build: `pkg` is its package path, `binary` its file name in the cache entry.
 * @typedef {{ pkg: string, binary: string }} GoBinary
 */

/**
 * A cache entry of Go programs from one module version.
 * `name` and `version` key the entry (`<cache>/<name>-<version>/`); `hint` says how to provide it by hand;
 * `flags` are extra `go build` flags; `cgo: false` builds static binaries, as the projects' own release builds do;
 * `after` adds files from the module's source (schemas, default configuration) to the entry.
 * @typedef {{
 *   name: string, module: string, version: string, binaries: GoBinary[], hint: string,
 *   flags?: (source: GoModuleSource) => string[], cgo?: boolean,
 *   after?: (tmpDir: string, source: GoModuleSource) => void,
 *   log?: (line: string) => void,
 * }} GoBuild
 */

/**
 * Where `go mod download` put a module version: `dir` is its unpacked source, `goMod` its go.mod file.
 * @typedef {{ dir: string, goMod: string, version: string }} GoModuleSource
 */

/** @param {GoBuild} build @param {Record<string, string>} [extra] */
function goEnv(build, extra = {}) {
  /** @type {Record<string, string | undefined>} */
  const env = {
    ...process.env,
    GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim(),
    // A go.work above the cache must not pull the build into someone's workspace.
    GOWORK: 'off',
    ...extra,
  };
  if (build.cgo === false) env.CGO_ENABLED = '0';
  return env;
}

/**
 * @param {GoBuild} build
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string> }} [options]
 */
function go(build, args, { cwd, env } = {}) {
  // Go's "downloading" and "added" lines are noise when the build works; shown above the error when it does not.
  const result = spawnSync('go', args, {
    cwd,
    env: goEnv(build, env),
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new ProvisionError(
      `go ${args.join(' ')} failed (exit ${result.status}) building ${build.name} ${build.version} (its output is above); ${build.hint}`,
    );
  }
}

/**
 * Downloads one module version into Go's module cache and says where its source is.
 * @param {GoBuild} build
 * @returns {GoModuleSource}
 */
export function goModuleSource(build) {
  const ref = `${build.module}@v${build.version}`;
  const result = spawnSync('go', ['mod', 'download', '-json', ref], { env: goEnv(build), encoding: 'utf8' });
  /** @type {{ Dir?: string, GoMod?: string, Error?: string }} */
  let info = {};
  try {
    info = JSON.parse(result.stdout || '{}');
  } catch {
    // Reported below with go's own words.
  }
  if (result.status !== 0 || !info.Dir || !info.GoMod) {
    const cause = (info.Error ?? result.stderr ?? '').trim().split('\n')[0] || `exit ${result.status}`;
    throw new ProvisionError(`go mod download ${ref} failed (${cause}); ${build.hint}`);
  }
  return { dir: info.Dir, goMod: info.GoMod, version: build.version };
}

/**
 * The name `go install` gives a package's binary: its last path element, skipping a major-version `/vN` suffix.
 * @param {string} pkg
 */
function installName(pkg) {
  const parts = pkg.split('/');
  const last = parts.at(-1) ?? pkg;
  return /^v\d+$/.test(last) && parts.length > 1 ? (parts.at(-2) ?? last) : last;
}

/** @param {GoBuild} build */
function requireGo(build) {
  if (!commandWorks('go', ['version'])) {
    throw new ProvisionError(
      `${build.name} ${build.version} is not cached and Go is not installed: install Go (https://go.dev/dl), or ${build.hint}`,
    );
  }
}

/**
 * The cached entry, or a new one built by `method`.
 * @param {GoBuild} build
 * @param {(build: GoBuild, tmpDir: string) => void} method
 */
function provisionGo(build, method) {
  const dir = cacheEntry(build.name, build.version);
  if (build.binaries.every(({ binary }) => existsSync(join(dir, binary)))) return dir;
  requireGo(build);
  build.log?.(`building ${build.name} ${build.version} from the Go module proxy (first run only; a few minutes)...`);
  buildInto(dir, (tmp) => method(build, tmp));
  return dir;
}

/**
 * `go install <pkg>@v<version>` for each binary, for modules without `replace` directives.
 * @param {GoBuild} build
 * @returns {string} the cache entry holding the binaries
 */
export function goInstall(build) {
  return provisionGo(build, (b, tmp) => {
    const gobin = join(tmp, '.gobin');
    const source = b.flags || b.after ? goModuleSource(b) : undefined;
    const flags = source ? (b.flags?.(source) ?? []) : [];
    go(b, ['install', ...flags, ...b.binaries.map(({ pkg }) => `${pkg}@v${b.version}`)], { env: { GOBIN: gobin } });
    for (const { pkg, binary } of b.binaries) renameSync(join(gobin, installName(pkg)), join(tmp, binary));
    rmSync(gobin, { recursive: true, force: true });
    if (source) b.after?.(tmp, source);
  });
}

/**
 * The module's own `replace` directives as `go mod edit -replace` arguments, so the tools module builds what the
 * module's authors build. A folder replacement must be inside the module's download; one that is not (a nested
 * module, which the proxy's zip leaves out) cannot be built from the proxy at all, and this says so.
 * @param {GoBuild} build
 * @param {GoModuleSource} source
 */
function replaceArgs(build, source) {
  /** @type {{ Replace?: { Old: { Path: string, Version?: string }, New: { Path: string, Version?: string } }[] }} */
  const goMod = JSON.parse(
    execFileSync('go', ['mod', 'edit', '-json', source.goMod], { env: goEnv(build), encoding: 'utf8' }),
  );
  return (goMod.Replace ?? []).map(({ Old, New }) => {
    const old = Old.Version ? `${Old.Path}@${Old.Version}` : Old.Path;
    if (New.Version) return `-replace=${old}=${New.Path}@${New.Version}`;
    const folder = isAbsolute(New.Path) ? New.Path : resolve(source.dir, New.Path);
    if (!existsSync(join(folder, 'go.mod'))) {
      throw new ProvisionError(
        `${build.module}@v${build.version} replaces ${Old.Path} with ${New.Path}, which its module download does not contain, ` +
          `so it cannot be built from the Go module proxy; ${build.hint}`,
      );
    }
    return `-replace=${old}=${folder}`;
  });
}

/**
 * `go get -tool` in a throwaway module, then `go build`: for modules whose `replace` directives make
 * `go install pkg@version` refuse them. The directives are carried over into the tools module, whose go.mod and
 * go.sum stay in the cache entry as the record of what was built.
 * @param {GoBuild} build
 * @returns {string} the cache entry holding the binaries
 */
export function goBuildWithToolsModule(build) {
  return provisionGo(build, (b, tmp) => {
    const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    const [major = 0, minor = 0] = goVersion.replace(/^go/, '').split('.').map(Number);
    if (major === 1 && minor < 24) {
      throw new ProvisionError(
        `${b.name} ${b.version} needs Go 1.24 or newer to build (found ${goVersion}): upgrade Go, or ${b.hint}`,
      );
    }
    const source = goModuleSource(b);
    const moduleDir = join(tmp, 'tools-module');
    mkdirSync(moduleDir);
    go(b, ['mod', 'init', 'tools'], { cwd: moduleDir });
    const replaces = replaceArgs(b, source);
    if (replaces.length > 0) go(b, ['mod', 'edit', ...replaces], { cwd: moduleDir });
    go(b, ['get', '-tool', ...b.binaries.map(({ pkg }) => `${pkg}@v${b.version}`)], { cwd: moduleDir });
    const flags = b.flags?.(source) ?? [];
    for (const { pkg, binary } of b.binaries)
      go(b, ['build', ...flags, '-o', join(tmp, binary), pkg], { cwd: moduleDir });
    b.after?.(tmp, source);
  });
}

/**
 * Copies a folder out of a module's source into a cache entry. Go's module cache is read-only, so the copy is made
 * writable: otherwise the cache entry could not be removed with `rm -rf`.
 * @param {GoModuleSource} source
 * @param {string} from a folder inside the module
 * @param {string} to the destination folder
 */
export function copyFromModule(source, from, to) {
  cpSync(join(source.dir, from), to, { recursive: true });
  /** @param {string} path */
  const makeWritable = (path) => {
    if (statSync(path).isDirectory()) {
      chmodSync(path, 0o755);
      for (const child of readdirSync(path)) makeWritable(join(path, child));
    } else {
      chmodSync(path, 0o644);
    }
  };
  makeWritable(to);
}
