export type { SimCredential } from './authenticate.ts';
export type { SimAccount } from './estate.ts';
export type { Fault, FaultRule, SimOp } from './faults.ts';
export { parseRateLimits, type RateLimit, type RateLimits } from './rate-limit.ts';
export { type SimCall, type Simulator, type SimulatorOptions, startSimulator } from './server.ts';
export type { SeedConnection, SeedTarget, SimConnection, TargetKind } from './state.ts';
