export * from './vocabulary';
export * from './transitions';
export * from './state';
export * from './core';
export * from './sla';
