// The recorder role: the traffic topic into the ledger's database.
export * from './recorder.module';
export * from './recorder.service';
