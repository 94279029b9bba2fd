// The send boundary keeps the product's own signed action links whole (their token reads like a JWT) while it
// still redacts every secret around them, and anything that only looks like one of our links.
import { describe, expect, it } from 'vitest';
import { alertActionLinks } from '../../shared/actions/token.js';
import { redact, redactKeeping } from '../../shared/text/redact.js';

const settings = {
  key: new TextEncoder().encode('k'.repeat(32)),
  baseUrl: 'https://amlmon.example',
  ttlMs: 3_600_000,
};
const links = alertActionLinks(settings, 'fp-1', '2026-11-26T10:00:00Z').map((l) => l.url);
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';

describe('redactKeeping', () => {
  it('keeps exactly the links it was given and redacts the secrets beside them', () => {
    const text = `Mute: ${links[1]}\nlog: Authorization: Bearer ${jwt}\nDB_PASSWORD=hunter2hunter2`;
    expect(redact(text)).not.toContain(links[1]!); // what happened before: the button lost its token
    const out = redactKeeping(text, links);
    expect(out).toContain(links[1]!);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('hunter2hunter2');
  });

  it('redacts a link of the same shape that it was not given (a token planted in input)', () => {
    const planted = `https://amlmon.example/api/act?t=${jwt}`;
    const out = redactKeeping(`see ${planted} and ${links[0]}`, links);
    expect(out).not.toContain(jwt);
    expect(out).toContain(links[0]!);
  });
});
