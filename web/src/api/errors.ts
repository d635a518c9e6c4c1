import type { CombinedError } from 'urql';

export type FieldErrors = Record<string, string>;

export interface ApiProblem {
  code: string;
  message: string;
  fields: FieldErrors;
  /** RATE_LIMITED: seconds until trying again makes sense. */
  retryAfter?: number;
}

/** What went wrong, for people (message, per field) and for the program (code). */
export function problemOf(error: CombinedError | undefined): ApiProblem | null {
  if (!error) return null;
  if (error.networkError && error.graphQLErrors.length === 0) {
    return { code: 'NETWORK', message: '', fields: {} };
  }
  const fields: FieldErrors = {};
  let code = 'INTERNAL_SERVER_ERROR';
  let message = '';
  let retryAfter: number | undefined;
  for (const e of error.graphQLErrors) {
    const ext = e.extensions as { code?: string; field?: string; retryAfter?: number };
    if (typeof ext.retryAfter === 'number') retryAfter = ext.retryAfter;
    const field = ext.field;
    if (field) fields[field] = e.message;
    else message ||= e.message;
    code = ext.code ?? code;
  }
  return retryAfter === undefined ? { code, message, fields } : { code, message, fields, retryAfter };
}
