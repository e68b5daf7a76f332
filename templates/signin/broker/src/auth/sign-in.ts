/** The `broker` sign-in (src/auth/broker/): this server is the authorization server hosts see. */
import type { BrokerOptions, BrokerSetup } from './broker-api.js';
import { createBroker } from './broker/index.js';

export function setUpBroker(options: BrokerOptions): Promise<BrokerSetup> {
  return createBroker(options);
}
