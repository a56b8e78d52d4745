import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.js';
import { isHttpUrl } from '../../config/http-url.js';
import { readPemFile } from '../../config/pem-file.js';
import { httpUrl } from '../../config/schema-helpers.js';
import { WARDEN_VERSION } from '../../config/version.js';

describe('isHttpUrl (one rule for every URL setting)', () => {
  it.each([
    ['http://127.0.0.1:8000/mcp', true],
    ['https://mcp.example.com/mcp?key=x', true],
    ['HTTPS://EXAMPLE.COM', true],
    ['ftp://example.com', false],
    ['javascript:alert(1)', false],
    ['example.com/mcp', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isHttpUrl(value)).toBe(expected);
    // The classic-zod schema the server uses says the same.
    expect(httpUrl.safeParse(value).success).toBe(expected);
  });
});

describe('readPemFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pem-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const problem = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return 'no error';
  };

  it('names the variable and the file when it cannot be read or is not what was asked for', () => {
    expect(problem(() => readPemFile(join(dir, 'missing.pem'), 'AUTH_PUBLIC_KEY_FILE'))).toMatch(/^invalid AUTH_PUBLIC_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)$/);
    const text = write('text.txt', 'hello');
    expect(problem(() => readPemFile(text, 'AUTH_PUBLIC_KEY_FILE'))).toBe(`invalid AUTH_PUBLIC_KEY_FILE: ${text} is not a PEM file`);
    const key = write('key.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
    expect(problem(() => readPemFile(key, 'WARDEN_DEV_CA_FILE', 'certificate'))).toBe(`invalid WARDEN_DEV_CA_FILE: ${key} holds no PEM certificate`);
    expect(readPemFile(key, 'AUTH_PUBLIC_KEY_FILE')).toContain('BEGIN PUBLIC KEY');
  });
});

describe('WARDEN_VERSION', () => {
  it('is the version package.json says (it names Warden to servers and in User-Agent)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(WARDEN_VERSION).toBe(pkg.version);
  });
});
