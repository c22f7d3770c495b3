import { ledgerSuite } from '../support/ledger-suite';

ledgerSuite(describe, 'the traffic ledger on the embedded store', async () => ({}));
