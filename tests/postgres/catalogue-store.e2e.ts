import { PgSqlClient } from '@nix/ledger';
import { describeWithPostgres, freshDatabase } from '../support/postgres';
import { catalogueStoreSuite } from '../support/catalogue-store-suite';

catalogueStoreSuite(describeWithPostgres, 'the catalogue store on PostgreSQL', async () => new PgSqlClient(await freshDatabase('cat')));
