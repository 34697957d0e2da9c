export * from './complaints';
export * from './complaint-events';
export * from './departments';
export * from './handlers';
