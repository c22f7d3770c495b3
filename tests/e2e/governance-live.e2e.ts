import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient } from '@nix/ledger';
import { governanceLiveSuite } from '../support/governance-live-suite';

governanceLiveSuite(describe, 'live governance on the embedded store', async () => new PgliteSqlClient(mkdtempSync(join(tmpdir(), 'nix-governance-live-'))));
