export * from './complaints';
export * from './complaint-events';
export * from './departments';
export * from './handlers';
export * from './audit-log';
export * from './notifications';
export * from './surveys';
export * from './training-examples';
