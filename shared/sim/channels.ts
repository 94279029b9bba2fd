/**
 * The channels a simulation delivers to: the loopback ACS Email and Teams Workflows stand-ins over HTTPS, reached
 * by the real senders (shared/notify), so what is "delivered" went through rendering, signing and HTTP for real.
 */
import { startAcsStandIn } from '../../test/support/acsStandIn.js';
import { startTeamsStandIn } from '../../test/support/teamsStandIn.js';
import { createSender } from '../notify/index.js';
import type { Sender } from '../notify/types.js';
import type { Clock } from './clock.js';

export interface SimChannels {
  senders: Sender[];
  /** What the stand-ins received, for a summary. */
  received(): { emails: number; teamsPosts: number };
  close(): Promise<void>;
}

export const SIM_SENDER_ADDRESS = 'DoNotReply@simulation.azurecomm.net';
export const SIM_RECIPIENT = 'ml-oncall@contoso.example';

export async function defaultSimChannels(clock: Clock): Promise<SimChannels> {
  const acs = await startAcsStandIn();
  const teams = await startTeamsStandIn({ tls: true });
  // Rendered times follow the simulated clock; the local throttles would only slow a simulation down.
  const now = (): number => clock.now().getTime();
  const email = createSender({
    kind: 'email',
    name: 'email',
    connectionString: acs.connectionString,
    caCert: acs.caCert,
    senderAddress: SIM_SENDER_ADDRESS,
    recipients: [{ to: [SIM_RECIPIENT] }],
    pollIntervalMs: 0,
    throttle: [],
    now,
  });
  const teamsSender = createSender({
    kind: 'teams',
    name: 'teams',
    url: teams.url,
    caCert: teams.caCert,
    throttle: [],
    now,
  });
  return {
    senders: [email, teamsSender],
    received: () => ({ emails: acs.emails.length, teamsPosts: teams.received.length }),
    close: async () => {
      await acs.close();
      await teams.close();
    },
  };
}
