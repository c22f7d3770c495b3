import { PgSqlClient } from '@nix/ledger';
import { describeWithPostgres, freshDatabase } from '../support/postgres';
import { governanceStoreSuite } from '../support/governance-store-suite';

governanceStoreSuite(describeWithPostgres, 'the governance store on PostgreSQL', async () => new PgSqlClient(await freshDatabase('gov')));
