import { describeWithPostgres, freshDatabase } from '../support/postgres';
import { reportsSuite } from '../support/reports-suite';

reportsSuite(describeWithPostgres, 'reports on PostgreSQL', async () => ({ DATABASE_URL: await freshDatabase() }));
