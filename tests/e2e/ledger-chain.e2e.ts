import { ledgerChainSuite } from '../support/ledger-chain-suite';

ledgerChainSuite(describe, 'the tamper-evident ledger on the embedded store', async () => ({}));
