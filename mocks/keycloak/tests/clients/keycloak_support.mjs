// What the Keycloak client tests share. The server is named by KEYCLOAK_URL, KEYCLOAK_ADMIN_USER
// and KEYCLOAK_ADMIN_PASSWORD (mocks/common/clients/run: a fresh mock-keycloak, the real
// Keycloak of the ctest `real` stack, or the one MCPH_KEYCLOAK_URL names). Every test file works in
// a realm of its own, deleted afterwards, so that files may share one Keycloak.
import { randomBytes } from 'node:crypto';

import KcAdminClient from '@keycloak/keycloak-admin-client';

export const url = process.env.KEYCLOAK_URL;

export const unique = (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`;

// Rejects with this HTTP status (the admin client's NetworkError carries the response).
export const status = (code) => (error) => error.response?.status === code;

// The admin client signed in to the master realm as the bootstrap administrator (admin-cli).
export async function signedInAdmin() {
  const admin = new KcAdminClient({ baseUrl: url, realmName: 'master' });
  await admin.auth({
    grantType: 'password', clientId: 'admin-cli',
    username: process.env.KEYCLOAK_ADMIN_USER, password: process.env.KEYCLOAK_ADMIN_PASSWORD,
  });
  return admin;
}

// A fresh realm, with the admin client pointed at it; remove() deletes it.
export async function freshRealm(admin, prefix) {
  const realm = unique(prefix);
  await admin.realms.create({ realm, enabled: true });
  admin.setConfig({ realmName: realm });
  return {
    realm,
    issuer: `${url}/realms/${realm}`,
    async remove() {
      admin.setConfig({ realmName: 'master' });
      await admin.realms.del({ realm });
    },
  };
}

// A password grant with a confidential client, by hand (the admin tests check logins with it).
export async function passwordGrant(realm, clientId, secret, username, password) {
  const response = await fetch(`${url}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: clientId, client_secret: secret, username, password }),
  });
  return { status: response.status, body: await response.json() };
}
