// The payload codec's failures, each with a stable code: a bad key setting, an unreadable key file, a payload no key opens.

/** The keys in the configuration or the key file are unusable; the message names the variable or the file. */
export class PayloadKeysError extends Error {
  readonly code = 'PAYLOAD_KEYS_INVALID';
  override readonly name = 'PayloadKeysError';
}

/**
 * An encrypted payload that cannot be opened: its key id is not loaded, or the ciphertext (or its key id) was
 * altered. Never retried into success, so a worker fails the task loudly instead of running on garbage.
 */
export class PayloadDecryptionError extends Error {
  readonly code = 'PAYLOAD_UNDECRYPTABLE';
  override readonly name = 'PayloadDecryptionError';
}
