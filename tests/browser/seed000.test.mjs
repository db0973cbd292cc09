// Seed 000 ("Enforcing MFA on AWS") in the console, in real headless Chromium: the
// administrator creates the force-MFA policy and a user with a console password; the
// user signs in, is denied, adds an MFA device from the wizard's secret key, signs out,
// signs in with a code, and now has access.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignDevice, camera, createPolicy, enterMfaCode, example, signIn, signInRoot, signOut,
  startBrowser, startServer,
} from './lib.mjs';

const PASSWORD = 'Alice-Console-Passw0rd!';

test('seed 000: denied until the user signs in with MFA', async () => {
  const server = await startServer();
  const browser = await startBrowser();
  const { page } = browser;
  const shoot = camera(page, 'seed-000');
  try {
    // The administrator (the root user here) signs in.
    await signInRoot(page, server.endpoint);
    await page.getByRole('heading', { name: 'IAM dashboard' }).waitFor();
    await shoot('admin-dashboard');

    // Create the "Allow Manage Own MFA Device" policy from the tutorial's JSON.
    await createPolicy(page, 'ForceMFA', example('seed-000-force-mfa.json'));
    await page.getByText('Policy ForceMFA was created.').waitFor();
    await shoot('policy-created');

    // Create the user with a custom console password and both policies.
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'Create user' }).click();
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Custom password', { exact: true }).check();
    await page.getByLabel('Custom password value').fill(PASSWORD);
    await page.getByLabel('Users must create a new password at next sign-in (recommended)').uncheck();
    await page.getByLabel('AdministratorAccess (AWS managed)').check();
    await page.getByLabel('ForceMFA (customer managed)').check();
    await shoot('create-user-form');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'User created' }).waitFor();
    assert.equal(await page.getByLabel('Console password', { exact: true }).inputValue(), PASSWORD);
    await shoot('user-created');
    await signOut(page);

    // The user signs in and is denied.
    await signIn(page, server.endpoint, 'alice', PASSWORD);
    await page.getByRole('heading', { name: 'IAM dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Add MFA', exact: true }).waitFor();
    await shoot('user-dashboard-without-mfa');
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    const denied = page.getByRole('alert', { name: 'Access denied' });
    await denied.waitFor();
    const text = await denied.innerText();
    assert.match(text, /iam:ListUsers/);
    assert.match(text, /explicit deny/);
    assert.match(text, /DenyAllExceptListedIfNoMFA/);
    assert.match(text, /aws:MultiFactorAuthPresent = false/);
    await shoot('users-denied-without-mfa');

    // Add an MFA device, reading the secret key from the wizard.
    await page.getByRole('navigation').getByRole('link', { name: 'My security credentials' }).click();
    await page.getByRole('link', { name: 'Assign MFA device' }).click();
    const secret = await assignDevice(page, 'alice', shoot);
    await page.getByText('MFA device assigned.').waitFor();
    await page.getByRole('cell', { name: 'arn:aws:iam::111122223333:mfa/alice', exact: true }).waitFor();
    await shoot('mfa-assigned');

    // Sign out, sign in again with a code: now the user has access.
    await signOut(page);
    await signIn(page, server.endpoint, 'alice', PASSWORD);
    await page.getByRole('heading', { name: 'Multi-factor authentication' }).waitFor();
    await shoot('mfa-sign-in');
    await enterMfaCode(page, secret);
    await page.getByRole('heading', { name: 'IAM dashboard' }).waitFor();
    await page.getByText('MFA', { exact: true }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByRole('link', { name: 'alice', exact: true }).waitFor();
    assert.equal(await page.getByRole('alert', { name: 'Access denied' }).count(), 0);
    await shoot('users-allowed-with-mfa');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
