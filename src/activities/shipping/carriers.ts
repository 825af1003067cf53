// Where the shipping service ships, which carrier takes each country, and how tracking numbers look.
import { randomInt } from 'node:crypto';

export interface Carrier {
  name: string;
  /** Tracking numbers start with this, as real carriers' do, so a number tells its carrier. */
  trackingPrefix: string;
}

export const defaultServedCountries: readonly string[] = ['NL', 'DE', 'BE', 'FR', 'GB', 'US'];

const carriersByCountry: Readonly<Record<string, Carrier>> = {
  NL: { name: 'PostNL', trackingPrefix: '3S' },
  DE: { name: 'DHL', trackingPrefix: 'JJD' },
  BE: { name: 'bpost', trackingPrefix: 'BP' },
  FR: { name: 'Colissimo', trackingPrefix: '6A' },
  GB: { name: 'Royal Mail', trackingPrefix: 'RM' },
  US: { name: 'UPS', trackingPrefix: '1Z' },
};

/** For a served country without a dedicated carrier (when the served list is configured wider). */
const fallbackCarrier: Carrier = { name: 'DHL Express', trackingPrefix: 'DX' };

/** Deterministic by country, so the same destination always gets the same carrier (and tests can rely on it). */
export function carrierFor(country: string): Carrier {
  return carriersByCountry[country] ?? fallbackCarrier;
}

const trackingAlphabet = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A fresh random tracking number; it is stored with the shipment, so retries reuse it. */
export function newTrackingNumber(carrier: Carrier): string {
  let suffix = '';
  for (let i = 0; i < 12; i += 1) suffix += trackingAlphabet[randomInt(trackingAlphabet.length)];
  return `${carrier.trackingPrefix}${suffix}`;
}
