import { describeWithPostgres, freshDatabase } from '../support/postgres';
import { ledgerSuite } from '../support/ledger-suite';

ledgerSuite(describeWithPostgres, 'the traffic ledger on PostgreSQL', async () => ({ DATABASE_URL: await freshDatabase() }));
