// DRS error responses. The JS client picks the exception class from the `x-amzn-errortype`
// header before the body (DRS bodies carry their own `code` such as VALIDATION_ERROR), so every
// error carries its type explicitly and the server always sends the header.

export type ValidationReason = 'unknownOperation' | 'cannotParse' | 'fieldValidationFailed' | 'other';
export interface ValidationField {
  name: string;
  message: string;
}

export class DrsError extends Error {
  override name = 'DrsError';
  constructor(
    /** The error shape name, sent as `x-amzn-errortype`. */
    readonly errorType: string,
    readonly statusCode: number,
    message: string,
    /** Extra body members of the error shape (code, resourceId, reason, ...). */
    readonly fields: Record<string, unknown> = {},
    /** Seconds for the `Retry-After` header (Throttling, InternalServer). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...this.fields };
  }
}

export function validationError(
  message: string,
  reason: ValidationReason,
  fieldList: ValidationField[] = [],
): DrsError {
  return new DrsError('ValidationException', 400, message, {
    code: 'VALIDATION_ERROR',
    reason,
    ...(fieldList.length > 0 ? { fieldList } : {}),
  });
}

/** A ValidationException naming one member, for checks the model cannot express (unknown IDs). */
export function invalidField(name: string, message: string): DrsError {
  return validationError(`Invalid value for ${name}: ${message}`, 'fieldValidationFailed', [{ name, message }]);
}

export function conflictError(message: string, resourceId: string, resourceType: string): DrsError {
  return new DrsError('ConflictException', 409, message, { code: 'CONFLICT', resourceId, resourceType });
}

export function resourceNotFoundError(message: string, resourceId: string, resourceType: string): DrsError {
  return new DrsError('ResourceNotFoundException', 404, message, {
    code: 'RESOURCE_NOT_FOUND',
    resourceId,
    resourceType,
  });
}

/** Quota codes are ours: the real codes are not published per quota in the model. */
export const quotaCodes = {
  serversPerJob: 'L-DRS00100',
  concurrentJobs: 'L-DRS00020',
  serversInActiveJobs: 'L-DRS00500',
} as const;

export function serviceQuotaExceededError(
  message: string,
  quotaCode: string,
  resourceId?: string,
  resourceType?: string,
): DrsError {
  return new DrsError('ServiceQuotaExceededException', 402, message, {
    code: 'SERVICE_QUOTA_EXCEEDED',
    serviceCode: 'drs',
    quotaCode,
    ...(resourceId ? { resourceId } : {}),
    ...(resourceType ? { resourceType } : {}),
  });
}

export function throttlingError(retryAfterSeconds = 1): DrsError {
  return new DrsError(
    'ThrottlingException',
    429,
    'Rate exceeded',
    { serviceCode: 'drs', quotaCode: 'L-DRSAPIRATE' },
    retryAfterSeconds,
  );
}

export function internalServerError(status: 500 | 503 = 500, retryAfterSeconds = 1): DrsError {
  // 503 is not modeled by DRS; the SDK still retries it on the status code alone.
  return status === 503
    ? new DrsError('ServiceUnavailableException', 503, 'Service unavailable', {}, retryAfterSeconds)
    : new DrsError('InternalServerException', 500, 'Internal server error (injected fault)', {}, retryAfterSeconds);
}

/** The 500 a lostResponse fault answers after the operation ran: the client cannot tell it happened. */
export function lostResponseError(retryAfterSeconds = 1): DrsError {
  return new DrsError('InternalServerException', 500, 'Internal server error (injected fault: the request was processed, its response lost)', {}, retryAfterSeconds);
}

/** AccessDeniedException (403): DRS's answer when an account may not act on another's resources. */
export function accessDeniedError(message: string): DrsError {
  return new DrsError('AccessDeniedException', 403, message, { code: 'ACCESS_DENIED' });
}

/**
 * UninitializedAccountException (400, members `message` and `code`): DRS's answer in an account
 * and Region where the service was never initialized (InitializeService). The `code` value is ours:
 * the model does not give it.
 */
export function uninitializedAccountError(accountId: string, region: string): DrsError {
  return new DrsError(
    'UninitializedAccountException',
    400,
    `Account ${accountId} has not been initialized for Elastic Disaster Recovery in ${region}: call InitializeService first`,
    { code: 'UNINITIALIZED_ACCOUNT' },
  );
}
