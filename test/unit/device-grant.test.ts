import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceGrantError, pollDeviceToken, requestDeviceAuthorization } from '../../auth/oauth/device-grant.js';

/** A token endpoint that answers the scripted bodies in turn, recording each request's form. */
async function scriptedServer(answers: { status: number; body: Record<string, unknown> }[]): Promise<{ url: string; forms: URLSearchParams[]; server: Server }> {
  const forms: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      forms.push(new URLSearchParams(body));
      const answer = answers.shift() ?? { status: 500, body: { error: 'server_error' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, forms, server };
}

let open: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (open ? open.close(() => resolve()) : resolve()));
  open = undefined;
});

const authorization = { deviceCode: 'dc', userCode: 'UC', verificationUri: 'https://as.example/device', expiresIn: 600, interval: 2 };

describe('RFC 8628 device authorization grant', () => {
  it('asks for a code with client, scope and resource, and defaults interval to 5 s', async () => {
    const s = await scriptedServer([{ status: 200, body: { device_code: 'dc', user_code: 'UC', verification_uri: 'https://as.example/device', expires_in: 300 } }]);
    open = s.server;
    const code = await requestDeviceAuthorization(s.url, { client: { clientId: 'c1' }, authMethod: 'none', scope: 'execute', resource: 'https://mcp.example/mcp' });
    expect(code).toEqual({ deviceCode: 'dc', userCode: 'UC', verificationUri: 'https://as.example/device', expiresIn: 300, interval: 5 });
    expect(Object.fromEntries(s.forms[0]!)).toEqual({ client_id: 'c1', scope: 'execute', resource: 'https://mcp.example/mcp' });
  });

  it('polls at the interval, waits 5 s longer after slow_down, keeps going while pending, and returns the tokens', async () => {
    const s = await scriptedServer([
      { status: 400, body: { error: 'authorization_pending' } },
      { status: 400, body: { error: 'slow_down' } },
      { status: 400, body: { error: 'authorization_pending' } },
      { status: 200, body: { access_token: 'at', refresh_token: 'rt', expires_in: 60 } },
    ]);
    open = s.server;
    const waits: number[] = [];
    const tokens = await pollDeviceToken(s.url, { client: { clientId: 'c1' }, authMethod: 'none', resource: 'https://mcp.example/mcp' }, authorization, {
      wait: async (ms) => void waits.push(ms),
    });
    expect(tokens).toMatchObject({ access_token: 'at', refresh_token: 'rt' });
    expect(waits).toEqual([2000, 2000, 7000, 7000]);
    expect(
      s.forms.every(
        (f) => f.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code' && f.get('device_code') === 'dc' && f.get('resource') === 'https://mcp.example/mcp',
      ),
    ).toBe(true);
  });

  it('stops on access_denied and on expiry, with the reason', async () => {
    const s = await scriptedServer([{ status: 400, body: { error: 'access_denied' } }]);
    open = s.server;
    await expect(pollDeviceToken(s.url, { client: { clientId: 'c1' }, authMethod: 'none' }, authorization, { wait: async () => undefined })).rejects.toMatchObject({
      code: 'access_denied',
      message: 'sign-in was declined',
    });
    let clock = 0;
    const expired = pollDeviceToken(s.url, { client: { clientId: 'c1' }, authMethod: 'none' }, authorization, { now: () => clock, wait: async () => void (clock += 601_000) });
    await expect(expired).rejects.toBeInstanceOf(DeviceGrantError);
    await expect(expired).rejects.toMatchObject({ code: 'expired_token' });
  });
});
