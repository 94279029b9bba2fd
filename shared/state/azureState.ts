/** MonitorState in Azure Table storage: a connection string (Azurite, or an account key) or an account URL + Entra ID. */
import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { AzureTable } from './azureTable.js';
import { TABLE_NAMES, type MonitorState } from './store.js';

export type StorageAccess =
  { connectionString: string } | { tableEndpoint: string; credential: TokenCredential };

function client(access: StorageAccess, table: string): TableClient {
  if ('connectionString' in access) {
    // Azurite serves plain http on loopback.
    return TableClient.fromConnectionString(access.connectionString, table, {
      allowInsecureConnection: true,
    });
  }
  return new TableClient(access.tableEndpoint, table, access.credential);
}

/** `prefix` (letters and digits) separates several monitors, or tests, sharing one storage account. */
export function azureState(access: StorageAccess, prefix = ''): MonitorState {
  if (!/^[A-Za-z0-9]*$/.test(prefix))
    throw new Error(`table prefix "${prefix}" must be letters and digits only`);
  const table = (name: string): TableClient => client(access, `${prefix}${name}`);
  return {
    deployments: new AzureTable(table(TABLE_NAMES.deployments)),
    deploymentEvents: new AzureTable(table(TABLE_NAMES.deploymentEvents)),
    incidents: new AzureTable(table(TABLE_NAMES.incidents)),
    seenEvents: new AzureTable(table(TABLE_NAMES.seenEvents)),
    sent: new AzureTable(table(TABLE_NAMES.sent)),
    sweeps: new AzureTable(table(TABLE_NAMES.sweeps)),
    silences: new AzureTable(table(TABLE_NAMES.silences)),
    actionUses: new AzureTable(table(TABLE_NAMES.actionUses)),
  };
}
