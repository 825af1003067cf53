// The time source activities are given, so tests can pin timestamps.

/** Returns "now"; injected into activity factories instead of calling `new Date()` inline. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
