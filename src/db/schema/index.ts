export * from './organizations.ts';
export * from './identity.ts';
export * from './lab.ts';
export * from './lims.ts';
export * from './forecast.ts';
