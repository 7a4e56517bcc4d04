// The registry's errors: each code (its meaning and canRetry in the one catalogue,
// common/error-codes/services.ts) maps here to Confluent's numeric error_code (what clients and
// Kafka tooling switch on) and its HTTP status. Messages name the subject, version or id.
import { OpsError } from '../../common/errors.js';
import type { registryErrors } from '../../common/error-codes/services.js';

/** The codes a registry client can receive (the log topic's partition check stops the role instead). */
export type RegistryErrorCode = Exclude<keyof typeof registryErrors, 'REGISTRY_TOPIC_PARTITIONS'>;

export const confluentErrors: Record<RegistryErrorCode, { errorCode: number; status: number }> = {
  SUBJECT_NOT_FOUND: { errorCode: 40401, status: 404 },
  VERSION_NOT_FOUND: { errorCode: 40402, status: 404 },
  SCHEMA_NOT_FOUND: { errorCode: 40403, status: 404 },
  SUBJECT_SOFT_DELETED: { errorCode: 40404, status: 404 },
  SUBJECT_NOT_SOFT_DELETED: { errorCode: 40405, status: 404 },
  VERSION_SOFT_DELETED: { errorCode: 40406, status: 404 },
  VERSION_NOT_SOFT_DELETED: { errorCode: 40407, status: 404 },
  SUBJECT_CONFIG_NOT_FOUND: { errorCode: 40408, status: 404 },
  INCOMPATIBLE_SCHEMA: { errorCode: 409, status: 409 },
  INVALID_SCHEMA: { errorCode: 42201, status: 422 },
  INVALID_VERSION: { errorCode: 42202, status: 422 },
  INVALID_COMPATIBILITY_LEVEL: { errorCode: 42203, status: 422 },
  STORE_ERROR: { errorCode: 50001, status: 500 },
  STORE_TIMEOUT: { errorCode: 50002, status: 500 },
};

export class RegistryError extends OpsError {
  declare readonly code: RegistryErrorCode;
  readonly errorCode: number;
  readonly status: number;

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RegistryError';
    this.errorCode = confluentErrors[code].errorCode;
    this.status = confluentErrors[code].status;
  }

  /** The body Confluent-compatible clients expect. */
  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}
