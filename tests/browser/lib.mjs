// Shared by the browser tests: a live `ironiam serve --ephemeral`, Debian's Chromium
// through playwright-core with a fresh profile, step screenshots, and TOTP codes from
// an independent implementation (pyotp in the repository's venv), never ironiam's.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');
export const ACCOUNT = '111122223333';
export const ROOT_PASSWORD = 'Root-Console-Passw0rd!';
const BINARY = process.env.IRONIAM_BIN ?? join(REPO, 'target', 'debug', 'ironiam');
const PYTHON = process.env.IRONIAM_PYTHON ?? join(REPO, '.venv', 'bin', 'python');
const ARTIFACTS = process.env.BROWSER_ARTIFACTS ?? join(REPO, 'target', 'browser-artifacts');

export function example(name) {
  return readFileSync(join(REPO, 'examples', name), 'utf8');
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Starts ironiam on a free port of 127.0.0.1 and waits until it is healthy. */
export async function startServer() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, [
    'serve', '--ephemeral', '--listen', `127.0.0.1:${port}`, '--account-id', ACCOUNT,
    '--root-access-key-id', 'AKIAIOSFODNN7EXAMPLE',
    '--root-secret-access-key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    '--root-password', ROOT_PASSWORD,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/health`);
      if (response.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ironiam serve did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile directory (playwright passes it as
 * --user-data-dir). */
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'ironiam-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The CSP must never have to block anything the console itself serves.
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  return {
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Numbered full-page screenshots under target/browser-artifacts/<test>/. */
export function camera(page, test) {
  const dir = join(ARTIFACTS, test);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (step) => {
    n += 1;
    const file = join(dir, `${String(n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** TOTP codes for `secret` at UNIX time `at` and the steps after it, from pyotp. */
export function totp(secret, at, steps = 1) {
  const script = `
import sys, pyotp
totp = pyotp.TOTP(sys.argv[1])
at, steps = int(sys.argv[2]), int(sys.argv[3])
print(" ".join(totp.at(at + 30 * i) for i in range(steps)))
`;
  const out = execFileSync(PYTHON, ['-c', script, secret, String(at), String(steps)], { encoding: 'utf8' });
  return out.trim().split(' ');
}

export function now() {
  return Math.floor(Date.now() / 1000);
}

/** Waits until the current 30-second step has at least `margin` seconds left, so two
 * codes computed now stay valid while the form is submitted. */
export async function freshStep(margin = 8) {
  const left = 30 - (now() % 30);
  if (left < margin) await new Promise((r) => setTimeout(r, (left + 1) * 1000));
}

export async function signInRoot(page, endpoint) {
  await page.goto(`${endpoint}/`);
  await page.getByRole('link', { name: 'Sign in as the root user' }).click();
  await page.getByLabel('Account ID (12 digits) or account alias').fill(ACCOUNT);
  await page.getByLabel('Root user password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signIn(page, endpoint, user, password) {
  await page.goto(`${endpoint}/console/signin?account=${ACCOUNT}`);
  await page.getByLabel('IAM user name').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
}

/** Creates a customer managed policy through the console's JSON editor. */
export async function createPolicy(page, name, document) {
  await page.getByRole('navigation').getByRole('link', { name: 'Policies' }).click();
  await page.getByRole('link', { name: 'Create policy' }).click();
  await page.getByLabel('Policy name').fill(name);
  await page.getByLabel('Policy document (JSON)').fill(document);
  await page.getByRole('button', { name: 'Create policy' }).click();
}

/** Runs the MFA wizard from its first step, reading the secret key from the page;
 * returns the secret. Codes: the previous and the current step, so that the next step
 * is free for signing in right after. */
export async function assignDevice(page, deviceName, shoot) {
  await page.getByLabel('Device name').fill(deviceName);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('img', { name: `QR code for MFA device ${deviceName}` }).waitFor();
  if (shoot) await shoot('mfa-qr-code');
  await page.getByRole('button', { name: 'Show secret key' }).click();
  const secret = await page.getByLabel('Secret key', { exact: true }).inputValue();
  if (shoot) await shoot('mfa-secret-key');
  await freshStep();
  const t = now();
  const [code1, code2] = totp(secret, t - 30, 2);
  await page.getByLabel('MFA code 1').fill(code1);
  await page.getByLabel('MFA code 2').fill(code2);
  await page.getByRole('button', { name: 'Add MFA' }).click();
  return secret;
}

/** The MFA sign-in step, with the next step's code (the ones before were used). */
export async function enterMfaCode(page, secret) {
  await page.getByLabel('MFA code').waitFor();
  await freshStep();
  const [code] = totp(secret, now() + 30, 1);
  await page.getByLabel('MFA code').fill(code);
  await page.getByRole('button', { name: 'Submit' }).click();
}
