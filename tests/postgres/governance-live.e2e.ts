import { PgSqlClient } from '@nix/ledger';
import { describeWithPostgres, freshDatabase } from '../support/postgres';
import { governanceLiveSuite } from '../support/governance-live-suite';

governanceLiveSuite(describeWithPostgres, 'live governance on PostgreSQL', async () => new PgSqlClient(await freshDatabase('govlive')));
