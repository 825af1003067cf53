// Finds the servers that come from Debian's packages (HAProxy, promtool and Prometheus, Chromium), installing as root.
//
// Plain JavaScript on purpose: bootstrap runs it before `npm ci`. Resolution order for each: its environment
// variable, then the binary where the package puts it (or on PATH), then `apt-get install` when running as root with
// apt-get; otherwise one line saying which package to install and which variable overrides it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ProvisionError, fromEnv, onPath } from './provision.mjs';

/**
 * One binary from a Debian package: `paths` are where the package installs it (tried before PATH, which for
 * a non-root user often lacks /usr/sbin); `elsewhere` says how to get it off Debian.
 * @typedef {{ binary: string, pkg: string, paths: string[], envVar: string, elsewhere: string }} DebianBinary
 */

/** @satisfies {Record<string, DebianBinary>} */
export const debianBinaries = {
  haproxy: {
    binary: 'haproxy',
    pkg: 'haproxy',
    paths: ['/usr/sbin/haproxy'],
    envVar: 'HAPROXY_PATH',
    elsewhere: 'macOS: brew install haproxy',
  },
  // Debian's `prometheus` package ships promtool beside the Prometheus server.
  promtool: {
    binary: 'promtool',
    pkg: 'prometheus',
    paths: ['/usr/bin/promtool'],
    envVar: 'PROMTOOL_PATH',
    elsewhere: 'macOS: brew install prometheus',
  },
  prometheus: {
    binary: 'prometheus',
    pkg: 'prometheus',
    paths: ['/usr/bin/prometheus'],
    envVar: 'PROMETHEUS_PATH',
    elsewhere: 'macOS: brew install prometheus',
  },
  chromium: {
    binary: 'chromium',
    pkg: 'chromium',
    paths: ['/usr/bin/chromium'],
    envVar: 'CHROMIUM_PATH',
    elsewhere: 'or any Chromium or Chrome build',
  },
};

let aptListsUpdated = false;

/** @param {string[]} args */
function aptGet(args) {
  return spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status;
}

/** True when this process may install Debian packages: root, with apt-get on PATH. */
export function canAptInstall() {
  return process.getuid?.() === 0 && onPath('apt-get') !== undefined;
}

/**
 * `apt-get update` (once per process), then `apt-get install -y --no-install-recommends <pkg>`. Waits for another
 * install's dpkg lock rather than failing, since several clones on one machine may bootstrap at once.
 * @param {string} pkg
 * @returns {boolean} whether the install succeeded
 */
export function aptInstall(pkg) {
  if (!aptListsUpdated) {
    if (aptGet(['update']) !== 0) return false;
    aptListsUpdated = true;
  }
  return aptGet(['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', pkg]) === 0;
}

/** @param {DebianBinary} spec */
function findInstalled(spec) {
  return spec.paths.find((path) => existsSync(path)) ?? onPath(spec.binary);
}

/** @param {DebianBinary} spec */
function missingMessage(spec) {
  return (
    `${spec.binary} not found: install Debian's ${spec.pkg} package (apt-get install ${spec.pkg}; ${spec.elsewhere}), ` +
    `or set ${spec.envVar} to a ${spec.binary} binary`
  );
}

/**
 * Finds one Debian binary, installing its package when missing and allowed; exported for the resolvers below and
 * their tests.
 * @param {DebianBinary} spec
 * @param {{ log?: (line: string) => void }} options
 * @returns {string}
 */
export function resolveDebianBinary(spec, { log = () => {} }) {
  const explicit = fromEnv(spec.envVar, `the ${spec.binary} executable`);
  if (explicit) return explicit;
  const found = findInstalled(spec);
  if (found) return found;
  if (!canAptInstall()) throw new ProvisionError(missingMessage(spec));
  log(`installing ${spec.binary} (apt-get install ${spec.pkg})...`);
  if (!aptInstall(spec.pkg))
    throw new ProvisionError(`apt-get install ${spec.pkg} failed (see its output above); ${missingMessage(spec)}`);
  const installed = findInstalled(spec);
  if (!installed)
    throw new ProvisionError(`${spec.pkg} installed but ${spec.binary} was not found; ${missingMessage(spec)}`);
  return installed;
}

/**
 * HAProxy, the TCP load balancer in front of the cluster's Temporal frontends and API processes.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolveHaproxy(options = {}) {
  return resolveDebianBinary(debianBinaries.haproxy, options);
}

/**
 * promtool, which checks and unit-tests the alert rules.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolvePromtool(options = {}) {
  return resolveDebianBinary(debianBinaries.promtool, options);
}

/**
 * The Prometheus server from the same package, for scraping every role where compose does.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolvePrometheus(options = {}) {
  return resolveDebianBinary(debianBinaries.prometheus, options);
}

/**
 * Chromium for the browser tests (`playwright-core`'s `executablePath`): Debian's build, since nothing may be
 * downloaded by Playwright.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolveChromium(options = {}) {
  return resolveDebianBinary(debianBinaries.chromium, options);
}
