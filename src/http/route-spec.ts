import type { z } from 'zod';
import type { Role } from '../core/types';

/**
 * One route = one zod-described contract. The same schemas validate the request and produce the
 * OpenAPI document, so the document cannot drift from what the server accepts.
 */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** 'public', 'agent' (any signed-in agent), or the roles allowed */
  auth: 'public' | 'agent' | readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** status of a successful answer (without a `response` schema and status: 204) */
  status?: number;
  /** the request content type when not JSON */
  contentType?: string;
  // What follows only documents: the OpenAPI document must say what the server does.
  /** how a public route checks its caller (a webhook secret, a signature); default: bearer unless public */
  security?: readonly SecurityScheme[];
  /** error statuses beyond those every route of its kind can give (400, 401, 403, 404, 413, 415) */
  errors?: readonly number[];
  /** content types of the successful answer when not (only) JSON, e.g. text/html, text/xml, text/csv */
  produces?: readonly string[];
  /** further successful statuses (a Twilio webhook answers TwiML or 204) */
  alsoStatus?: readonly number[];
  /** statuses answered with an HTML page rather than the JSON error (the customer's survey page) */
  pageStatus?: readonly number[];
}

/** The security schemes of the document (components.securitySchemes). */
export type SecurityScheme = 'bearer' | 'webhookSecret' | 'twilioSignature';
