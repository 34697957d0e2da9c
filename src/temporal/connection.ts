import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

type TlsOption = { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string } | undefined;

/** mTLS from files, or plain TLS (Temporal Cloud with an API key); undefined for the embedded server. */
function tlsOptions(t: Config['temporal']): TlsOption | undefined {
  if (!t.tls) return undefined;
  return {
    clientCertPair: t.tls.certPath && t.tls.keyPath ? { crt: readFileSync(t.tls.certPath), key: readFileSync(t.tls.keyPath) } : undefined,
    serverRootCACertificate: t.tls.caPath ? readFileSync(t.tls.caPath) : undefined,
    serverNameOverride: t.tls.serverName,
  };
}

/** Connection options shared by the client (API) and the native connection (worker). */
export function connectionOptions(t: Config['temporal'], address: string) {
  return { address, tls: tlsOptions(t), apiKey: t.apiKey };
}

/** A workflow client for the API and CLIs. */
export async function connectClient(t: Config['temporal'], address: string): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ ...connectionOptions(t, address), connectTimeout: 5000 });
  return { client: new Client({ connection, namespace: t.namespace }), close: () => connection.close() };
}

/** The worker's native connection. */
export async function connectWorker(t: Config['temporal'], address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t, address));
}
