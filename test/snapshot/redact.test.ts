import { describe, expect, it } from 'vitest';
import { clip, redact, stripAnsi } from '../../shared/text/redact.js';

describe('redact', () => {
  it.each([
    [
      'SAS signature',
      'GET https://a.blob.core.windows.net/azureml/x?sv=2021-08-06&se=2024&sig=Zm9vYmFy%3D&sp=r',
      'sig=[REDACTED]&sp=r',
      'Zm9vYmFy',
    ],
    [
      'storage connection string',
      'DefaultEndpointsProtocol=https;AccountName=ws;AccountKey=abc123+/==;EndpointSuffix=core.windows.net',
      'AccountKey=[REDACTED];EndpointSuffix',
      'abc123',
    ],
    [
      'ACS connection string',
      'endpoint=https://x.communication.azure.com/;accesskey=SGVsbG8gd29ybGQ=',
      'accesskey=[REDACTED]',
      'SGVsbG8',
    ],
    [
      'bearer token',
      'Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3gifQ.c2lnbmF0dXJlc2lnbg',
      'Bearer [REDACTED]',
      'eyJ0eXAi',
    ],
    [
      'bare JWT',
      'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36',
      '[REDACTED]',
      'SflKxw',
    ],
    [
      'private key',
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nafter',
      '-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----\nafter',
      'MIIEow',
    ],
    ['password in JSON', '{"user":"u","password":"hunter2"}', '"password":"[REDACTED]', 'hunter2'],
    [
      'docker auth',
      '{"auths":{"acr.azurecr.io":{"auth":"dXNlcjpwYXNz"}}}',
      '"auth":"[REDACTED]"',
      'dXNlcjpwYXNz',
    ],
  ])('%s', (_name, input, kept, secret) => {
    const out = redact(input);
    expect(out).toContain(kept);
    expect(out).not.toContain(secret);
  });

  it('leaves ordinary evidence alone', () => {
    const line = "ModuleNotFoundError: No module named 'sklearn'";
    expect(redact(line)).toBe(line);
    expect(redact('0/3 nodes are available: 3 Insufficient nvidia.com/gpu.')).toBe(
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
    );
  });

  it('is idempotent', () => {
    const once = redact('x?sig=abc&AccountKey=def;');
    expect(redact(once)).toBe(once);
  });
});

describe('stripAnsi / clip', () => {
  it('removes escape sequences and the bare [91m form build logs show', () => {
    expect(stripAnsi('\u001b[91mERROR: boom\u001b[0m')).toBe('ERROR: boom');
    expect(stripAnsi('[91mERROR: boom[0m')).toBe('ERROR: boom');
  });
  it('clips with a visible marker', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
});
