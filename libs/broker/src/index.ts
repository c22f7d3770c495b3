// The broker role: the inquiry API, catalogue, access, reports, dashboard and problem pages.
export * from './broker.module';
export * from './http-setup';
export * from './access/access.service';
export * from './access/access.module';
export * from './access/key-hasher';
export * from './inquiry/exchange-hooks';
export * from './inquiry/exchange-recorder';
export * from './reports/pdf-printer';
export * from './reports/reports.repository';
export * from './reports/reports.service';
export * from './receipts/receipt';
export * from './receipts/receipt-keys';
export * from './receipts/receipts.module';
export * from './notifications/notification-events';
export { NOTIFICATION_CENTER } from './notifications/notifications.service';
