// The registry's error catalogue: each code maps to Confluent's numeric error_code (what clients
// and Kafka tooling switch on) and its HTTP status. Messages name the subject, version or id.

export const registryErrors = {
  SUBJECT_NOT_FOUND: { errorCode: 40401, status: 404, canRetry: false },
  VERSION_NOT_FOUND: { errorCode: 40402, status: 404, canRetry: false },
  SCHEMA_NOT_FOUND: { errorCode: 40403, status: 404, canRetry: false },
  SUBJECT_SOFT_DELETED: { errorCode: 40404, status: 404, canRetry: false },
  SUBJECT_NOT_SOFT_DELETED: { errorCode: 40405, status: 404, canRetry: false },
  VERSION_SOFT_DELETED: { errorCode: 40406, status: 404, canRetry: false },
  VERSION_NOT_SOFT_DELETED: { errorCode: 40407, status: 404, canRetry: false },
  SUBJECT_CONFIG_NOT_FOUND: { errorCode: 40408, status: 404, canRetry: false },
  INCOMPATIBLE_SCHEMA: { errorCode: 409, status: 409, canRetry: false },
  INVALID_SCHEMA: { errorCode: 42201, status: 422, canRetry: false },
  INVALID_VERSION: { errorCode: 42202, status: 422, canRetry: false },
  INVALID_COMPATIBILITY_LEVEL: { errorCode: 42203, status: 422, canRetry: false },
  STORE_ERROR: { errorCode: 50001, status: 500, canRetry: true },
  STORE_TIMEOUT: { errorCode: 50002, status: 500, canRetry: true },
} as const;

export type RegistryErrorCode = keyof typeof registryErrors;

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly errorCode: number;
  readonly status: number;
  readonly canRetry: boolean;

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryError';
    this.code = code;
    this.errorCode = registryErrors[code].errorCode;
    this.status = registryErrors[code].status;
    this.canRetry = registryErrors[code].canRetry;
  }

  /** The body Confluent-compatible clients expect. */
  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}
