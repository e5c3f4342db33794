import { readFileSync } from 'node:fs';

/** Signing vectors, copied from Huawei's SDK output and signing guide into our own fixtures. */
type VectorRequest = { method: string; url: string; headers: Record<string, string>; body: string };

export type SdkVector = {
  name: string;
  credentials: { ak: string; sk: string };
  request: VectorRequest;
  expected: { authorization: string; signedHeaders: string; host: string };
};

export type PublishedVector = {
  name: string;
  credentials: { ak: string; sk: string };
  request: VectorRequest;
  signedHeaders: string;
  canonicalRequest: string;
  expected: {
    canonicalRequestSha256: string;
    stringToSign: string;
    signature: string;
    signedHeaders: string;
  };
};

const file = JSON.parse(
  readFileSync(new URL('../fixtures/signing-vectors.json', import.meta.url), 'utf8'),
) as {
  vectors: SdkVector[];
  published: PublishedVector[];
};

export const sdkVectors = file.vectors;
export const publishedVectors = file.published;
