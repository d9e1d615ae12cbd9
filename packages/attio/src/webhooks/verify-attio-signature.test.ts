import { describe, expect, it } from 'vitest';
import { verifyAttioSignature } from './verify-attio-signature.ts';

// A delivery signed with the secret of the spec's webhook example (computed with `openssl dgst -sha256 -hmac`).
const payload =
  '{"webhook_id":"23e42eaf-323a-41da-b5bb-fd67eebda553","events":[{"event_type":"note.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","note_id":"ff3f3bd4-40f4-4f80-8187-cd02385af424"},"parent_object_id":"97052eb9-e65e-443f-a297-f2d9a4a7f795","parent_record_id":"891dcbfc-9141-415d-9b2a-2238a6cc012d","actor":{"type":"workspace-member","id":"50cf242c-7fa3-4cad-87d0-75b1af71c57b"}}]}';
const secret = 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb';
const signature = '62744ab9ba63b5b8127dc0cb26c3cdc320857cd7540a13ea90bf7f9704ac527d';

describe('verifyAttioSignature', () => {
  it('accepts the hex HMAC-SHA256 of the raw body, as text or bytes, in either letter case', () => {
    expect(verifyAttioSignature({ payload, signature, secret })).toBe(true);
    expect(verifyAttioSignature({ payload: new TextEncoder().encode(payload), signature, secret })).toBe(
      true,
    );
    expect(verifyAttioSignature({ payload, signature: signature.toUpperCase(), secret })).toBe(true);
  });

  it('rejects a changed body, another secret, a truncated or malformed signature', () => {
    expect(
      verifyAttioSignature({ payload: payload.replace('note.created', 'note.deleted'), signature, secret }),
    ).toBe(false);
    expect(verifyAttioSignature({ payload: `${payload} `, signature, secret })).toBe(false);
    expect(verifyAttioSignature({ payload, signature, secret: `${secret}x` })).toBe(false);
    expect(verifyAttioSignature({ payload, signature: signature.slice(0, 63), secret })).toBe(false);
    expect(verifyAttioSignature({ payload, signature: `sha256=${signature}`, secret })).toBe(false);
    expect(verifyAttioSignature({ payload, signature: 'z'.repeat(64), secret })).toBe(false);
  });

  it('answers false, without throwing, when the signature or the secret is missing', () => {
    expect(verifyAttioSignature({ payload, signature: null, secret })).toBe(false);
    expect(verifyAttioSignature({ payload, signature: undefined, secret })).toBe(false);
    expect(verifyAttioSignature({ payload, signature: '', secret })).toBe(false);
    expect(verifyAttioSignature({ payload, signature, secret: '' })).toBe(false);
  });
});
