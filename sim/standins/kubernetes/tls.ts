/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1, generated at start-up so the scenario
 * cluster speaks real, verified HTTPS (client-node and kubectl check the chain against the CA in the kubeconfig).
 */
import { generate } from 'selfsigned';

export interface ServerCertificates {
  /** PEM of the CA that signed the server certificate; goes into the kubeconfig as `certificate-authority-data`. */
  caCert: string;
  cert: string;
  key: string;
}

export async function createServerCertificates(): Promise<ServerCertificates> {
  const validFor = {
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 86_400_000),
  };
  const ca = await generate([{ name: 'commonName', value: 'amlmon scenario cluster CA' }], {
    ...validFor,
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    ...validFor,
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { caCert: ca.cert, cert: server.cert, key: server.private };
}
