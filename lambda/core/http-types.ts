/** A transport-neutral HTTP request as the handlers see it (API Gateway or the local server). */
export interface HttpRequest {
  method: string;
  path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** Raw body bytes (API Gateway base64 already undone). */
  body: Uint8Array;
  /** Query parameters (first value wins). */
  query?: Readonly<Record<string, string>>;
  /** The raw query string (without `?`), for parsers that must see repeats and escapes. */
  rawQuery?: string;
  requestId: string;
}

export type { HttpAnswer } from './oauth-error';
