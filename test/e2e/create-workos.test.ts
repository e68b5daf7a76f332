import { cases } from './provider-cases.js';
import { providerE2E } from './provider-e2e.js';

providerE2E(cases.workos);
