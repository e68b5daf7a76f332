/**
 * The `broker` sign-in is not part of this project. `npx create-fastapps auth --sign-in broker
 * --broker-client-id <id>` adds it (src/auth/broker/).
 */
import type { BrokerOptions, BrokerSetup } from './broker-api.js';
import { ConfigError } from '../config.js';

export async function setUpBroker(_options: BrokerOptions): Promise<BrokerSetup> {
  throw new ConfigError('OAUTH_SIGN_IN=broker needs the broker, which this project was generated without: run npx create-fastapps auth --sign-in broker --broker-client-id <id>.');
}
