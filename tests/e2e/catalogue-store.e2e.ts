import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient } from '@nix/ledger';
import { catalogueStoreSuite } from '../support/catalogue-store-suite';

catalogueStoreSuite(describe, 'the catalogue store on the embedded store', async () => new PgliteSqlClient(mkdtempSync(join(tmpdir(), 'nix-catalogue-'))));
