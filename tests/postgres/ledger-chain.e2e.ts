import { ledgerChainSuite } from '../support/ledger-chain-suite';
import { describeWithPostgres, freshDatabase } from '../support/postgres';

ledgerChainSuite(describeWithPostgres, 'the tamper-evident ledger on PostgreSQL', async () => ({ DATABASE_URL: await freshDatabase() }));
