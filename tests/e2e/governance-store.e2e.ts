import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient } from '@nix/ledger';
import { governanceStoreSuite } from '../support/governance-store-suite';

governanceStoreSuite(describe, 'the governance store on the embedded store', async () => new PgliteSqlClient(mkdtempSync(join(tmpdir(), 'nix-governance-'))));
