// Seed 003 ("Force-MFA for IAM users", the IAM User Guide's tutorial) in the console:
// group EC2MFA with AmazonEC2FullAccess and Force_MFA; MFAUser cannot see its group
// memberships or manage its access keys until it signs in with MFA, and the device must
// be named after the user (mfa/${aws:username}).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignDevice, camera, createPolicy, enterMfaCode, example, signIn, signInRoot, signOut,
  startBrowser, startServer,
} from './lib.mjs';

const PASSWORD = 'MFAUser-Console-Passw0rd!';

test('seed 003: group EC2MFA, access keys only after MFA sign-in', async () => {
  const server = await startServer();
  const browser = await startBrowser();
  const { page } = browser;
  const shoot = camera(page, 'seed-003');
  try {
    await signInRoot(page, server.endpoint);
    // Step 1: the policy.
    await createPolicy(page, 'Force_MFA', example('seed-003-force-mfa.json'));
    await page.getByText('Policy Force_MFA was created.').waitFor();
    // Step 2: the group and its two policies.
    await page.getByRole('navigation').getByRole('link', { name: 'User groups' }).click();
    await page.getByLabel('Group name').fill('EC2MFA');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'EC2MFA' }).waitFor();
    for (const policy of ['AmazonEC2FullAccess (AWS managed)', 'Force_MFA (customer managed)']) {
      await page.getByLabel('Policy', { exact: true }).selectOption({ label: policy });
      await page.getByRole('button', { name: 'Attach policy' }).click();
      await page.getByText('Policy attached.').waitFor();
    }
    await shoot('group-ec2mfa');
    // The test user, in the group.
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'Create user' }).click();
    await page.getByLabel('User name').fill('MFAUser');
    await page.getByLabel('Custom password', { exact: true }).check();
    await page.getByLabel('Custom password value').fill(PASSWORD);
    await page.getByLabel('Users must create a new password at next sign-in (recommended)').uncheck();
    await page.getByLabel('EC2MFA').check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Added to group EC2MFA.').waitFor();
    await signOut(page);

    // Step 3: MFAUser signs in without MFA.
    await signIn(page, server.endpoint, 'MFAUser', PASSWORD);
    await page.getByRole('heading', { name: 'IAM dashboard' }).waitFor();
    await page.goto(`${server.endpoint}/console/users/MFAUser`);
    await page.getByText("You don't have permission to see this user's group memberships").waitFor();
    await shoot('groups-denied-without-mfa');
    await page.getByRole('navigation').getByRole('link', { name: 'My security credentials' }).click();
    await page.getByText("You don't have permission to list your access keys").waitFor();
    await shoot('access-keys-denied-without-mfa');

    // The virtual MFA device, named after the user as the policy requires.
    await page.getByRole('link', { name: 'Assign MFA device' }).click();
    const secret = await assignDevice(page, 'MFAUser');
    await page.getByText('MFA device assigned.').waitFor();
    await signOut(page);

    // Signed in with MFA: the access keys are the user's to manage.
    await signIn(page, server.endpoint, 'MFAUser', PASSWORD);
    await enterMfaCode(page, secret);
    await page.getByRole('heading', { name: 'IAM dashboard' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'My security credentials' }).click();
    await page.getByRole('button', { name: 'Create access key' }).click();
    await page.getByRole('heading', { name: 'Access key created' }).waitFor();
    const keyId = await page.getByLabel('Access key ID', { exact: true }).inputValue();
    assert.match(keyId, /^AKIA[A-Z0-9]{16}$/);
    assert.ok((await page.getByLabel('Secret access key', { exact: true }).inputValue()).length >= 40);
    await shoot('access-key-created-with-mfa');
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('cell', { name: keyId, exact: true }).waitFor();
    // The policies grant no iam:ListUsers: the user list stays denied, now implicitly.
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    const denied = page.getByRole('alert', { name: 'Access denied' });
    assert.match(await denied.innerText(), /implicit deny/);
    await shoot('users-implicitly-denied-with-mfa');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
